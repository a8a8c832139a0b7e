using System.Diagnostics;
using Suture.Process.Events;

namespace Suture.Process.Tests.Events;

/// <summary>Reads a source's channel on a task of its own and waits, with deadlines, for the events a test expects.</summary>
internal sealed class EventCollector : IDisposable
{
    private readonly IProcessEventSource _source;
    private readonly List<ProcessEvent> _events = [];
    private readonly Task _reader;

    public EventCollector(IProcessEventSource source)
    {
        _source = source;
        _reader = Task.Run(async () =>
        {
            await foreach (ProcessEvent item in source.Events.ReadAllAsync())
            {
                lock (_events)
                {
                    _events.Add(item);
                    Monitor.PulseAll(_events);
                }
            }
        });
    }

    public Task Reader => _reader;

    public IProcessEventSource Source => _source;

    public ProcessEvent WaitFor(Func<ProcessEvent, bool> match, string what, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        lock (_events)
        {
            while (true)
            {
                ProcessEvent? found = _events.FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }

                TimeSpan left = limit - clock.Elapsed;
                if (left <= TimeSpan.Zero || _reader.IsCompleted)
                {
                    throw new TimeoutException($"{what}: not seen within {limit.TotalSeconds} s from the {_source.Mechanism} (reader completed: {_reader.IsCompleted}, {_events.Count} events)");
                }

                Monitor.Wait(_events, left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
            }
        }
    }

    public IReadOnlyList<ProcessEvent> For(int pid)
    {
        lock (_events)
        {
            return _events.Where(e => e.Pid == pid).ToList();
        }
    }

    public void Dispose() => _source.Dispose();
}
