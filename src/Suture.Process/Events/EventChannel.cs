using System.Diagnostics;
using System.Threading.Channels;

namespace Suture.Process.Events;

/// <summary>
/// The bounded channel a source writes into from its thread. It never blocks the source (a
/// blocked reader of the kernel's socket would only move the loss into the kernel): a full
/// channel drops the event, and the next write that fits is preceded by one
/// <see cref="ProcessEventKind.Lost"/> event.
/// </summary>
internal sealed class EventChannel
{
    private readonly Channel<ProcessEvent> _channel;
    private bool _lost;

    public EventChannel(int capacity)
    {
        _channel = Channel.CreateBounded<ProcessEvent>(new BoundedChannelOptions(Math.Max(2, capacity))
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<ProcessEvent> Reader => _channel.Reader;

    /// <summary>Events dropped so far because the channel was full.</summary>
    public long Dropped { get; private set; }

    public void Write(ProcessEvent item)
    {
        if (_lost)
        {
            if (!_channel.Writer.TryWrite(new ProcessEvent(ProcessEventKind.Lost, 0, 0, null, Stopwatch.GetTimestamp())))
            {
                Dropped++;
                return;
            }

            _lost = false;
        }

        if (!_channel.Writer.TryWrite(item))
        {
            Dropped++;
            _lost = true;
        }
    }

    /// <summary>Reports a gap the source itself noticed (the kernel dropped events).</summary>
    public void Lost()
    {
        if (!_lost && !_channel.Writer.TryWrite(new ProcessEvent(ProcessEventKind.Lost, 0, 0, null, Stopwatch.GetTimestamp())))
        {
            _lost = true;
        }
    }

    public void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);
}
