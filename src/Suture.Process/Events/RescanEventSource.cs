using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Suture.Process.Events;

/// <summary>
/// Process events found by comparing /proc with what the last pass saw, for hosts where the
/// connector is not available. Each pass lists the pid directories (cheap); a pid not seen before
/// is a <see cref="ProcessEventKind.Fork"/> and an <see cref="ProcessEventKind.Exec"/>; a pid gone,
/// or back with another start time, an <see cref="ProcessEventKind.Exit"/>. A young process (seen
/// for less than <see cref="YoungFor"/>) has its executable read again on every pass, so the exec
/// that follows a fork is seen; older ones every <see cref="SweepEvery"/> passes. Exit statuses
/// are read only for watched processes, from their zombie state (field 52 of /proc/PID/stat);
/// others exit with an unknown status. Events arrive up to one interval late, and a process that
/// lives shorter than an interval may not be seen at all.
/// </summary>
internal sealed class RescanEventSource : IProcessEventSource
{
    private static readonly TimeSpan YoungFor = TimeSpan.FromSeconds(2);
    private const int SweepEvery = 50;
    private readonly EventChannel _channel;
    private readonly TimeSpan _interval;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly ConcurrentDictionary<int, byte> _watched = new();
    private readonly Dictionary<int, Known> _known = [];
    private int _disposed;

    public RescanEventSource(ProcessEventOptions options, string? reason)
    {
        _interval = options.RescanInterval > TimeSpan.Zero ? options.RescanInterval : TimeSpan.FromMilliseconds(100);
        _channel = new EventChannel(options.Capacity);
        FallbackReason = reason;
        // The first pass takes the processes already running as known, without events.
        Pass(first: true, sweep: false);
        _thread = new Thread(Run) { IsBackground = true, Name = "suture process events (/proc rescan)" };
        _thread.Start();
    }

    public ChannelReader<ProcessEvent> Events => _channel.Reader;

    public string Mechanism => $"/proc rescan every {_interval.TotalMilliseconds:0} ms";

    /// <summary>Why the connector was not used (null when the rescan was asked for).</summary>
    public string? FallbackReason { get; }

    public void WatchExit(int pid) => _watched[pid] = 0;

    public void UnwatchExit(int pid) => _watched.TryRemove(pid, out _);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Set();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _stop.Dispose();
    }

    private void Run()
    {
        Exception? failure = null;
        try
        {
            for (int pass = 1; !_stop.Wait(_interval); pass++)
            {
                Pass(first: false, sweep: pass % SweepEvery == 0);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = new SutureException($"the /proc rescan failed: {e.Message}", ExitCode.Failure, e);
        }
        finally
        {
            _channel.Complete(failure);
        }
    }

    private void Pass(bool first, bool sweep)
    {
        long now = Stopwatch.GetTimestamp();
        var present = new HashSet<int>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                present.Add(pid);
            }
        }

        foreach (int pid in _known.Keys.Where(p => !present.Contains(p)).ToList())
        {
            Known gone = _known[pid];
            _known.Remove(pid);
            if (!gone.ExitReported)
            {
                _channel.Write(new ProcessEvent(ProcessEventKind.Exit, pid, gone.ParentPid, null, now));
            }
        }

        foreach (int pid in present)
        {
            bool young = _known.TryGetValue(pid, out Known? known) && Stopwatch.GetElapsedTime(known.FirstSeen, now) < YoungFor;
            bool watched = _watched.ContainsKey(pid);
            if (known is not null && !young && !watched && !sweep)
            {
                continue;
            }

            if (ProcStat.Read(pid) is not ProcStat stat)
            {
                continue; // gone meanwhile: the next pass reports it
            }

            if (known is not null && known.StartTime != stat.StartTime)
            {
                // The pid was reused between two passes: the old process exited.
                if (!known.ExitReported)
                {
                    _channel.Write(new ProcessEvent(ProcessEventKind.Exit, pid, known.ParentPid, null, now));
                }

                known = null;
            }

            if (known is null)
            {
                known = new Known(stat.StartTime, stat.ParentPid, Executable(pid), now);
                _known[pid] = known;
                if (!first)
                {
                    _channel.Write(new ProcessEvent(ProcessEventKind.Fork, pid, stat.ParentPid, null, now));
                    if (stat.State is not 'Z' and not 'X')
                    {
                        _channel.Write(new ProcessEvent(ProcessEventKind.Exec, pid, 0, null, now));
                    }
                }
            }
            else if (stat.State is not 'Z' and not 'X' && Executable(pid) is string exe && exe != known.Executable)
            {
                known.Executable = exe;
                _channel.Write(new ProcessEvent(ProcessEventKind.Exec, pid, 0, null, now));
            }

            if (stat.State is 'Z' or 'X' && !known.ExitReported && (watched || !first))
            {
                known.ExitReported = true;
                _channel.Write(new ProcessEvent(ProcessEventKind.Exit, pid, stat.ParentPid, stat.ExitStatus, now));
            }
        }
    }

    private static string? Executable(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed class Known(ulong startTime, int parentPid, string? executable, long firstSeen)
    {
        public ulong StartTime { get; } = startTime;

        public int ParentPid { get; } = parentPid;

        public long FirstSeen { get; } = firstSeen;

        public string? Executable { get; set; } = executable;

        public bool ExitReported { get; set; }
    }
}
