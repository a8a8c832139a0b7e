using System.Collections.Concurrent;
using Suture.Agent.Blocking;
using Suture.Agent.Configuration;

namespace Suture.Agent;

/// <summary>
/// The agent: one loop that checks in (or reads the offline store) on its interval, keeps the
/// approved patch of each object, and applies it to every process that maps the object, with
/// per-process results, retries with backoff for busy processes, and the safety watch.
/// <para>
/// Hooks for the process watchers (<see cref="IProcessWatcher"/>), callable from any thread,
/// never blocking: <see cref="OnNewProcess"/> when a process execs, forks or maps a library, and
/// <see cref="OnProcessExit"/> when one dies. The work they cause runs on the loop's thread;
/// every ptrace request on the loop's one tracer thread.
/// </para>
/// </summary>
internal sealed class AgentLoop : IDisposable
{
    private readonly ConcurrentQueue<int> _newProcesses = new();
    private readonly ConcurrentQueue<(int Pid, int Signal, bool CoreDumped, DateTimeOffset At)> _exits = new();
    private readonly SemaphoreSlim _wake = new(0);
    private int _checkInRequested;

    public AgentLoop(AgentConfig config, Action<string> log, TimeProvider? time = null)
    {
        Config = config;
        Log = log;
        Time = time ?? TimeProvider.System;
        Directory.CreateDirectory(config.StateDirectory);
        Blocks = BlockList.Load(config.StateDirectory);
        Engine = new AgentEngine(this);
    }

    public AgentConfig Config { get; }

    /// <summary>One line per event, for the journal (stderr under systemd).</summary>
    public Action<string> Log { get; }

    public TimeProvider Time { get; }

    /// <summary>Patches that crashed a process here; the loop applies none of them.</summary>
    public BlockList Blocks { get; }

    internal AgentEngine Engine { get; }

    /// <summary>
    /// A process started (exec), was forked, or mapped a library (dlopen): the loop checks it
    /// against the approved patches and applies those of the objects it maps. Idempotent: a
    /// process already at the approved level is left alone.
    /// </summary>
    public void OnNewProcess(int pid)
    {
        _newProcesses.Enqueue(pid);
        _wake.Release();
    }

    /// <summary>
    /// A process ended: by <paramref name="signal"/> (0 for a normal exit), with a core dump or not.
    /// A process the agent patched that dies by SIGSEGV, SIGBUS, SIGILL or SIGABRT within the watch
    /// window blocks the patch (<see cref="Blocks"/>) and is reported to the server as crashed.
    /// </summary>
    public void OnProcessExit(int pid, int signal, bool coreDumped)
    {
        _exits.Enqueue((pid, signal, coreDumped, Time.GetUtcNow()));
        _wake.Release();
    }

    /// <summary>
    /// Check in (or read the store) now rather than at the interval: SIGHUP to <c>agent run</c>
    /// (<c>systemctl reload suture-agent</c>). Callable from any thread, never blocking.
    /// </summary>
    public void RequestCheckIn()
    {
        Volatile.Write(ref _checkInRequested, 1);
        _wake.Release();
    }

    /// <summary>SIGILL, SIGABRT, SIGBUS, SIGSEGV: the deaths that block a patch applied within the watch window.</summary>
    public static bool IsFaultSignal(int signal) => signal is 4 or 6 or 7 or 11;

    /// <summary>Whether the agent patched <paramref name="pid"/> and still watches it (the watch window has not passed).</summary>
    public bool IsWatched(int pid) => Engine.IsWatched(pid);

    /// <summary>
    /// The service loop, until <paramref name="stop"/> (SIGTERM): an operation in progress backs
    /// out (or completes past its commit point), every process is resumed, then it returns.
    /// </summary>
    public void Run(IReadOnlyList<IProcessWatcher> watchers, CancellationToken stop)
    {
        foreach (IProcessWatcher watcher in watchers)
        {
            watcher.Start(this, stop);
        }

        try
        {
            Engine.RunLoop(stop);
        }
        finally
        {
            foreach (IProcessWatcher watcher in watchers)
            {
                watcher.Dispose();
            }
        }
    }

    /// <summary>One check-in (or store read) now, and the applies and reverts it orders; <c>suture agent check</c>.</summary>
    public CycleSummary CheckNow(CancellationToken cancel) => Engine.Cycle(force: true, cancel);

    public void Dispose()
    {
        Engine.Dispose();
        _wake.Dispose();
    }

    /// <summary>True once after each <see cref="RequestCheckIn"/>.</summary>
    internal bool TakeCheckInRequest() => Interlocked.Exchange(ref _checkInRequested, 0) != 0;

    internal bool TryTakeNewProcess(out int pid) => _newProcesses.TryDequeue(out pid);

    internal bool TryTakeExit(out (int Pid, int Signal, bool CoreDumped, DateTimeOffset At) exit) => _exits.TryDequeue(out exit);

    /// <summary>Waits until an event arrives or <paramref name="timeout"/> passes; false when stopped.</summary>
    internal bool WaitForWork(TimeSpan timeout, CancellationToken stop)
    {
        try
        {
            _wake.Wait(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, stop);
            return !stop.IsCancellationRequested;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
