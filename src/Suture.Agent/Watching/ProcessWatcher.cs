using System.Diagnostics;
using System.Globalization;
using Suture.Process.Events;

namespace Suture.Agent.Watching;

/// <summary>
/// Feeds the agent loop with the host's process events (<see cref="IProcessEventSource"/>: the
/// netlink process connector, or a /proc rescan where the kernel will not grant it), on a
/// thread of its own:
/// <list type="bullet">
/// <item>an exec is handed over (<see cref="AgentLoop.OnNewProcess"/>) once the process has
/// loaded its libraries (<see cref="LoaderProgress"/>, looked at every
/// <see cref="WatcherOptions.StartupPoll"/>), or after <see cref="WatcherOptions.StartupTimeout"/>;</item>
/// <item>a fork that is not followed by an exec within <see cref="WatcherOptions.ForkGrace"/>
/// is handed over (the child runs the parent's code);</item>
/// <item>every <see cref="WatcherOptions.MapsInterval"/> each process's mapped files are
/// compared with the last look, and a process that mapped a new one (dlopen) is handed over;
/// after lost events every process is looked at this way at once;</item>
/// <item>the exit of a process the loop watches (<see cref="AgentLoop.IsWatched"/>), and every
/// death by a fault signal, is passed on with its signal (<see cref="AgentLoop.OnProcessExit"/>),
/// for the safety loop.</item>
/// </list>
/// It never stops or traces a process: all it does is read /proc.
/// </summary>
internal sealed class ProcessWatcher : IProcessWatcher
{
    private readonly WatcherOptions _options;
    private readonly Action<string> _log;
    private readonly Dictionary<int, HashSet<(string Device, ulong Inode)>> _known = [];
    private readonly Dictionary<int, long> _starting = [];
    private readonly Dictionary<int, long> _forked = [];
    private readonly HashSet<int> _exitWatched = [];
    private readonly CancellationTokenSource _stop = new();
    private CancellationTokenRegistration _registration;
    private IProcessEventSource? _source;
    private AgentLoop? _loop;
    private Thread? _thread;
    private long _nextMaps;
    private int _disposed;

    public ProcessWatcher(WatcherOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
    }

    /// <summary>The environment variable that chooses how events are obtained: <c>auto</c> (default), <c>connector</c> or <c>rescan</c>.</summary>
    public const string MechanismVariable = "SUTURE_AGENT_EVENTS";

    /// <summary>The agent's watcher, its mechanism from <see cref="MechanismVariable"/>.</summary>
    /// <exception cref="SutureException">The variable names no mechanism (exit 2).</exception>
    public static ProcessWatcher Create(Action<string> log)
    {
        string? value = Environment.GetEnvironmentVariable(MechanismVariable);
        ProcessEventMechanism mechanism = value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => ProcessEventMechanism.Auto,
            "connector" => ProcessEventMechanism.Connector,
            "rescan" => ProcessEventMechanism.Rescan,
            _ => throw new SutureException($"{MechanismVariable}={value} is not auto, connector or rescan", ExitCode.Usage),
        };
        return new ProcessWatcher(new WatcherOptions { Mechanism = mechanism }, log);
    }

    /// <summary>How events are obtained (after <see cref="Start"/>), for status and logs.</summary>
    public string? Mechanism => _source?.Mechanism;

    /// <summary>Why the connector is not used, when it is not.</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>Processes handed to the loop so far (exec, fork, new library), for the bench and status.</summary>
    public long HandedOver => Interlocked.Read(ref _handedOver);

    private long _handedOver;

    public void Start(AgentLoop loop, CancellationToken stop)
    {
        _loop = loop;
        _source = ProcessEvents.Open(new ProcessEventOptions { Mechanism = _options.Mechanism, RescanInterval = _options.RescanInterval }, out string? reason);
        FallbackReason = reason;
        _log(reason is null
            ? $"watching new processes through the {_source.Mechanism}"
            : $"watching new processes through the {_source.Mechanism}: {reason}; a new process runs unpatched for up to {_options.RescanInterval.TotalMilliseconds:0} ms longer");
        _registration = stop.Register(() => _stop.Cancel());
        foreach (int pid in AllPids())
        {
            if (MappedObjects.Read(pid) is { } objects)
            {
                _known[pid] = objects;
            }
        }

        _nextMaps = Stopwatch.GetTimestamp() + Ticks(_options.MapsInterval);
        _thread = new Thread(Run) { IsBackground = true, Name = "suture agent process watcher" };
        _thread.Start();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _registration.Dispose();
        _stop.Cancel();
        _source?.Dispose();
        if (_thread is not null && Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _stop.Dispose();
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static IEnumerable<int> AllPids()
    {
        int self = Environment.ProcessId;
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid != self)
            {
                yield return pid;
            }
        }
    }

    private void Run()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                long now = Stopwatch.GetTimestamp();
                long due = _nextMaps;
                if (_starting.Count > 0)
                {
                    due = Math.Min(due, now + Ticks(_options.StartupPoll));
                }

                if (_forked.Count > 0)
                {
                    due = Math.Min(due, _forked.Values.Min());
                }

                if (!WaitForEvents(TimeSpan.FromSeconds(Math.Max(0, due - now) / (double)Stopwatch.Frequency)))
                {
                    break;
                }

                while (_source!.Events.TryRead(out ProcessEvent? item))
                {
                    Handle(item);
                }

                CheckStarting();
                CheckForked();
                if (Stopwatch.GetTimestamp() >= _nextMaps)
                {
                    CheckMaps();
                    _nextMaps = Stopwatch.GetTimestamp() + Ticks(_options.MapsInterval);
                }
            }
        }
        catch (Exception e) when (e is SutureException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _log($"the process watcher stopped: {e.Message}; new processes are patched only at check-ins until the agent restarts");
        }
    }

    /// <summary>Waits for an event or the timeout; false once stopping or the source ended.</summary>
    private bool WaitForEvents(TimeSpan timeout)
    {
        if (_source!.Events.TryPeek(out _))
        {
            return true;
        }

        try
        {
            Task<bool> wait = _source.Events.WaitToReadAsync(_stop.Token).AsTask();
            if (!wait.Wait(timeout) || wait.Result)
            {
                return !_stop.IsCancellationRequested;
            }

            // The channel completed: the source failed (its error says why) or was disposed.
            _source.Events.Completion.GetAwaiter().GetResult();
            return false;
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Handle(ProcessEvent item)
    {
        switch (item.Kind)
        {
            case ProcessEventKind.Exec:
                _forked.Remove(item.Pid);
                _known.Remove(item.Pid);
                _starting[item.Pid] = Stopwatch.GetTimestamp();
                break;
            case ProcessEventKind.Fork:
                _forked[item.Pid] = Stopwatch.GetTimestamp() + Ticks(_options.ForkGrace);
                break;
            case ProcessEventKind.Exit:
                _starting.Remove(item.Pid);
                _forked.Remove(item.Pid);
                _known.Remove(item.Pid);
                if (_exitWatched.Remove(item.Pid))
                {
                    _source!.UnwatchExit(item.Pid);
                }

                // A fault-signal death goes on even when the loop does not watch the pid (yet): a
                // process can crash in the new code before the apply that patched it has returned
                // and the loop has started watching it; the loop drops exits it has no watch for.
                if (_loop!.IsWatched(item.Pid) || AgentLoop.IsFaultSignal(item.Signal))
                {
                    _loop.OnProcessExit(item.Pid, item.Signal, item.CoreDumped);
                }

                break;
            case ProcessEventKind.Lost:
                _log("process events were lost (a burst of process starts overflowed the buffers); looking at every process now");
                _nextMaps = 0;
                break;
        }
    }

    private void CheckStarting()
    {
        foreach ((int pid, long since) in _starting.ToList())
        {
            StartupState state = Probe(pid);
            bool late = Stopwatch.GetTimestamp() - since > Ticks(_options.StartupTimeout);
            if (state == StartupState.Gone)
            {
                _starting.Remove(pid);
            }
            else if (state == StartupState.Loaded || late)
            {
                _starting.Remove(pid);
                Remember(pid);
                HandOver(pid);
            }
        }
    }

    /// <summary>A process that ends while it is looked at is gone, whatever the read threw.</summary>
    private static StartupState Probe(int pid)
    {
        try
        {
            return LoaderProgress.Probe(pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StartupState.Gone;
        }
    }

    private void CheckForked()
    {
        long now = Stopwatch.GetTimestamp();
        foreach ((int pid, long due) in _forked.ToList())
        {
            if (due <= now)
            {
                _forked.Remove(pid);
                if (Remember(pid))
                {
                    HandOver(pid);
                }
            }
        }
    }

    /// <summary>Every process: one not known yet, or one that maps a file it did not map at the last look, is handed over.</summary>
    private void CheckMaps()
    {
        var present = new HashSet<int>();
        foreach (int pid in AllPids())
        {
            present.Add(pid);
            if (_starting.ContainsKey(pid) || _forked.ContainsKey(pid))
            {
                continue;
            }

            HashSet<(string, ulong)>? now = MappedObjects.Read(pid);
            if (now is null)
            {
                continue;
            }

            bool added = !_known.TryGetValue(pid, out HashSet<(string, ulong)>? before) || !now.IsSubsetOf(before);
            _known[pid] = now;
            if (added)
            {
                HandOver(pid);
            }
            else
            {
                SyncExitWatch(pid);
            }
        }

        foreach (int gone in _known.Keys.Where(p => !present.Contains(p)).ToList())
        {
            _known.Remove(gone);
        }

        foreach (int gone in _exitWatched.Where(p => !present.Contains(p)).ToList())
        {
            _exitWatched.Remove(gone);
            _source!.UnwatchExit(gone);
        }
    }

    private bool Remember(int pid)
    {
        if (MappedObjects.Read(pid) is not { } objects)
        {
            return false;
        }

        _known[pid] = objects;
        return true;
    }

    private void HandOver(int pid)
    {
        Interlocked.Increment(ref _handedOver);
        _loop!.OnNewProcess(pid);
        // The rescan reads exit statuses only of watched processes: this one may be patched now;
        // the next maps look drops it again if the loop does not watch it.
        if (_exitWatched.Add(pid))
        {
            _source!.WatchExit(pid);
        }
    }

    private void SyncExitWatch(int pid)
    {
        bool watched = _loop!.IsWatched(pid);
        if (watched && _exitWatched.Add(pid))
        {
            _source!.WatchExit(pid);
        }
        else if (!watched && _exitWatched.Remove(pid))
        {
            _source!.UnwatchExit(pid);
        }
    }
}
