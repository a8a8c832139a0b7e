using System.Diagnostics;
using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// All threads of a process held in ptrace stops. Created on the tracer thread by
/// <see cref="Stop(int, TimeSpan, CancellationToken)"/>; <see cref="Resume"/> (or
/// <see cref="Dispose"/>) lets every thread run again and re-delivers the signals that arrived
/// meanwhile. Threads created while stopping are caught: clones of seized threads are followed,
/// and the thread list is re-read until it is stable.
/// </summary>
/// <remarks>
/// Every wait is bounded: stops are polled (waitpid with WNOHANG) against the timeout and the
/// cancellation token, never awaited with a blocking waitpid, because a thread in uninterruptible
/// sleep (a vfork parent, a read from a hung NFS or FUSE mount) stops only when the kernel lets
/// it go. When the time is up the stopped threads are resumed at once, the late ones are handed to
/// <see cref="Stragglers"/> (let go the moment they stop), and the stop is refused naming each
/// late thread with its state and wait channel.
/// </remarks>
public sealed class StoppedProcess : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private const int MaxRounds = 1000;

    /// <summary>The least time a stop gets, so that a nearly spent budget does not fail an ordinary stop.</summary>
    private static readonly TimeSpan ShortestTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one candidate for <see cref="StopOneThread(int, TimeSpan, CancellationToken)"/> may take before the next is tried too.</summary>
    private static readonly TimeSpan CandidateWait = TimeSpan.FromMilliseconds(250);

    /// <summary>How long <see cref="Resume"/> waits for a stop still on its way before leaving that thread to <see cref="Stragglers"/>.</summary>
    private static readonly TimeSpan ResumeGrace = TimeSpan.FromMilliseconds(10);

    /// <summary>The least time a borrowed thread gets to come back from a remote call.</summary>
    private static readonly TimeSpan MinimumCallWait = TimeSpan.FromSeconds(2);

    private readonly Dictionary<int, TracedThread> _threads = [];
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellation;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly StopLog? _log = StopLog.Start();
    private readonly bool _allThreads;
    private int _calls;

    private StoppedProcess(int pid, bool allThreads, TimeSpan timeout, CancellationToken cancellation)
    {
        Pid = pid;
        _allThreads = allThreads;
        _timeout = timeout > ShortestTimeout ? timeout : ShortestTimeout;
        _cancellation = cancellation;
    }

    public int Pid { get; }

    /// <summary>The live threads, all stopped.</summary>
    public IEnumerable<TracedThread> Threads => _threads.Values.Where(t => t.IsStopped);

    /// <summary>The thread that runs remote system calls: the main thread if it is held and alive, else the first held thread.</summary>
    public TracedThread LeaderThread =>
        _threads.TryGetValue(Pid, out TracedThread? leader) && leader.IsStopped
            ? leader
            : Threads.FirstOrDefault() ?? throw new SutureException($"process {Pid} has no live thread left", ExitCode.NoSuchProcess);

    private IEnumerable<TracedThread> Pending => _threads.Values.Where(t => t.Hold == ThreadHold.Pending);

    private TimeSpan Remaining => _timeout - Stopwatch.GetElapsedTime(_started);

    /// <summary>Seizes and stops every thread of <paramref name="pid"/> (within <see cref="DefaultTimeout"/>). Call on the tracer thread.</summary>
    public static StoppedProcess Stop(int pid) => Stop(pid, DefaultTimeout);

    /// <summary>
    /// Seizes and stops every thread of <paramref name="pid"/>. Call on the tracer thread.
    /// Throws <see cref="ThreadsNotStoppedException"/> (exit code 9) when a thread has not stopped
    /// within <paramref name="timeout"/>, and a <see cref="SutureException"/> with exit code 130
    /// when <paramref name="cancellation"/> is signalled first; either way every thread runs again.
    /// </summary>
    public static StoppedProcess Stop(int pid, TimeSpan timeout, CancellationToken cancellation = default) =>
        Stop(pid, allThreads: true, timeout, cancellation);

    /// <summary>
    /// Seizes and stops only one thread (one asleep in the kernel if any), leaving the others
    /// running: enough to run system calls in the process. Call on the tracer thread.
    /// </summary>
    public static StoppedProcess StopOneThread(int pid) => StopOneThread(pid, DefaultTimeout);

    /// <inheritdoc cref="StopOneThread(int)"/>
    public static StoppedProcess StopOneThread(int pid, TimeSpan timeout, CancellationToken cancellation = default) =>
        Stop(pid, allThreads: false, timeout, cancellation);

    private static StoppedProcess Stop(int pid, bool allThreads, TimeSpan timeout, CancellationToken cancellation)
    {
        Stragglers.ReleaseStopped();
        var process = new StoppedProcess(pid, allThreads, timeout, cancellation);
        try
        {
            if (allThreads)
            {
                process.StopAll();
            }
            else
            {
                process.StopOne();
            }

            process._log?.Stopped();
            return process;
        }
        catch
        {
            process.Resume();
            throw;
        }
    }

    public ThreadRegisters GetRegisters(TracedThread thread) => new(Ptrace.GetRegisters(Own(thread).Tid));

    /// <summary>Gives a stopped thread of this process the registers <paramref name="registers"/> (a copy from <see cref="ThreadRegisters.With"/>).</summary>
    public void SetRegisters(TracedThread thread, in ThreadRegisters registers) => Ptrace.SetRegisters(Own(thread).Tid, registers.Raw);

    private TracedThread Own(TracedThread thread) => _threads.ContainsKey(thread.Tid)
        ? thread
        : throw new ArgumentException($"thread {thread.Tid} is not a thread of process {Pid}", nameof(thread));

    /// <summary>
    /// Lets every thread run again. Safe to call more than once, and on every path. Every thread
    /// is tried even when one fails, and a failed one once more; only a thread that still cannot
    /// be detached is reported (<see cref="ThreadsNotReleasedException"/>: the kernel lets it go
    /// when suture exits). Never waits for a thread that has not stopped yet.
    /// </summary>
    public void Resume()
    {
        _log?.Releasing();
        int held = _log is null ? 0 : _threads.Values.Count(t => t.IsStopped);
        AwaitStops(ResumeGrace, () => !Pending.Any(), cancellable: false);
        foreach (TracedThread late in Pending.ToList())
        {
            Stragglers.Add(Pid, late);
        }

        List<(TracedThread Thread, Exception Failure)> failed = [];
        List<int> killed = [];
        for (int pass = 0; pass < 2; pass++)
        {
            failed.Clear();
            foreach (TracedThread thread in _threads.Values.Where(t => t.IsStopped).ToList())
            {
                try
                {
                    ThreadRelease.Release(Pid, thread);
                    if (thread.Hold == ThreadHold.Gone)
                    {
                        killed.Add(thread.Tid);
                    }
                }
#pragma warning disable CA1031 // every thread must be tried; failures are collected and reported below
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failed.Add((thread, e));
                }
            }

            if (failed.Count == 0)
            {
                break;
            }
        }

        ThreadRelease.Reap(killed);
        Stragglers.ReleaseStopped();
        if (held > 0)
        {
            _log!.Finish(Pid, _allThreads, held, _calls);
        }

        if (failed.Count > 0)
        {
            throw new ThreadsNotReleasedException(Pid, failed.Select(f => (f.Thread.Tid, f.Failure.Message)).ToList());
        }
    }

    public void Dispose() => Resume();

    /// <summary>
    /// Waits until <paramref name="thread"/> reports its next stop (or its end) after a resume,
    /// for at most the stop's timeout (and <see cref="MinimumCallWait"/>). A thread that does not
    /// come back in time is left to finish on its own and is let go when it stops.
    /// </summary>
    internal WaitStatus WaitFor(TracedThread thread)
    {
        _calls++;
        long started = Stopwatch.GetTimestamp();
        TimeSpan limit = _timeout > MinimumCallWait ? _timeout : MinimumCallWait;
        while (true)
        {
            if (Ptrace.Wait(thread.Tid, noHang: true) is WaitStatus status)
            {
                if (status.IsGone)
                {
                    thread.Hold = ThreadHold.Gone;
                }
                else if (status.IsCloneEvent)
                {
                    AddClone((int)Ptrace.GetEventMessage(thread.Tid));
                }

                return status;
            }

            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                string state = ThreadList.Describe(Pid, thread.Tid);
                Stragglers.Add(Pid, thread);
                throw new SutureException(
                    $"thread {thread.Tid} ({ThreadList.Name(Pid, thread.Tid)}) of process {Pid} did not come back from a call suture ran in it within {limit.TotalSeconds:0.0} s: {state}; it finishes the call on its own and restores its registers from its recovery frame",
                    ExitCode.Failure);
            }

            Backoff.Pause(started);
        }
    }

    private void StopOne()
    {
        // Borrow a thread that is asleep in the kernel if there is one: it loses nothing while
        // held, and the threads doing work (the main thread often among them) keep running.
        int[] tids = ThreadList.Read(Pid);
        int sleeper = Array.Find(tids, t => t != Pid && ThreadList.IsSleeping(Pid, t)); // 0 if none; stops at the first
        foreach (int tid in tids.OrderBy(t => t == sleeper ? 0 : t == Pid ? 1 : 2))
        {
            Seize(tid, followClones: false); // a borrowed thread must not stop in a clone event
            TimeSpan wait = Remaining < CandidateWait ? Remaining : CandidateWait;
            if (AwaitStops(wait, () => Threads.Any(), cancellable: true))
            {
                return;
            }
        }

        // Every candidate is slow to stop: take whichever stops first.
        if (!AwaitStops(Remaining, () => Threads.Any() || !Pending.Any(), cancellable: true))
        {
            throw NotStopped();
        }

        if (!Threads.Any())
        {
            throw new SutureException($"no process with pid {Pid}", ExitCode.NoSuchProcess);
        }
    }

    private void StopAll()
    {
        for (int round = 0; round < MaxRounds; round++)
        {
            int[] fresh = ThreadList.Read(Pid).Where(tid => !_threads.ContainsKey(tid)).ToArray();
            if (fresh.Length == 0 && !Pending.Any())
            {
                if (_threads.Count == 0)
                {
                    throw new SutureException($"no process with pid {Pid}", ExitCode.NoSuchProcess);
                }

                return;
            }

            foreach (int tid in fresh)
            {
                Seize(tid);
            }

            if (!AwaitStops(Remaining, () => !Pending.Any(), cancellable: true))
            {
                throw NotStopped();
            }
        }

        throw new SutureException($"process {Pid} keeps creating threads faster than suture can stop them; try again", ExitCode.Busy);
    }

    /// <summary>
    /// Polls the threads whose stop is pending until <paramref name="done"/> holds (true) or
    /// <paramref name="budget"/> is spent (false); with <paramref name="cancellable"/>, a
    /// cancellation ends it with exit code 130 (the caller resumes every thread).
    /// </summary>
    private bool AwaitStops(TimeSpan budget, Func<bool> done, bool cancellable)
    {
        long started = Stopwatch.GetTimestamp();
        long idle = started; // since the last stop seen
        while (true)
        {
            bool progress = false;
            foreach (TracedThread thread in Pending.ToList())
            {
                if (Ptrace.Wait(thread.Tid, noHang: true) is WaitStatus status)
                {
                    OnStop(thread, status);
                    progress = true;
                }
            }

            if (done())
            {
                return true;
            }

            if (progress)
            {
                idle = Stopwatch.GetTimestamp();
                continue;
            }

            if (cancellable && _cancellation.IsCancellationRequested)
            {
                throw new SutureException($"interrupted while stopping the threads of process {Pid}; every thread runs again and the process is unchanged", ExitCode.Interrupted);
            }

            if (Stopwatch.GetElapsedTime(started) >= budget)
            {
                return false;
            }

            Backoff.Pause(idle);
        }
    }

    private ThreadsNotStoppedException NotStopped() => new(
        Pid,
        _timeout,
        Pending.Select(t => (t.Tid, ThreadList.Name(Pid, t.Tid), ThreadList.Describe(Pid, t.Tid))).ToList());

    private void Seize(int tid, bool followClones = true)
    {
        if (Stragglers.TryTake(Pid, tid, out TracedThread straggler))
        {
            _threads[tid] = straggler; // seized by an earlier stop and still on its way to its stop
            return;
        }

        _log?.Seizing();
        int errno = Ptrace.TrySeize(tid, followClones);
        if (errno == Errno.ESRCH)
        {
            return;
        }

        if (errno == Errno.EPERM)
        {
            throw new SutureException($"permission denied attaching to process {Pid} (thread {tid}): {TraceDenial.Explain(Pid)}", ExitCode.PermissionDenied);
        }

        if (errno != 0)
        {
            throw new NativeCallException("PTRACE_SEIZE", $"thread {tid} of process {Pid}", errno);
        }

        var thread = new TracedThread(tid);
        _threads[tid] = thread;
        if (!Ptrace.TryInterrupt(tid))
        {
            thread.Hold = ThreadHold.Gone;
        }
    }

    private void OnStop(TracedThread thread, WaitStatus status) => AddClone(thread.OnStop(status));

    private void AddClone(int child)
    {
        if (child > 0 && !_threads.ContainsKey(child))
        {
            _threads[child] = new TracedThread(child); // attached by the kernel, its first stop on its way
        }
    }
}
