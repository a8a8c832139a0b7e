using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// All threads of a process held in ptrace stops. Created on the tracer thread by
/// <see cref="Stop"/>; <see cref="Resume"/> (or <see cref="Dispose"/>) lets every thread run again
/// and re-delivers the signals that arrived meanwhile. Threads created while stopping are caught:
/// clones of seized threads are followed, and the thread list is re-read until it is stable.
/// </summary>
public sealed class StoppedProcess : IDisposable
{
    private const int MaxRounds = 1000;

    private readonly Dictionary<int, TracedThread> _threads = [];
    private readonly HashSet<int> _notYetStopped = [];
    private bool _resumed;

    private StoppedProcess(int pid)
    {
        Pid = pid;
    }

    public int Pid { get; }

    /// <summary>The live threads, all stopped.</summary>
    public IEnumerable<TracedThread> Threads => _threads.Values.Where(t => t.IsAlive);

    /// <summary>The thread that runs remote system calls: the main thread if it is held and alive, else the first held thread.</summary>
    public TracedThread LeaderThread =>
        _threads.TryGetValue(Pid, out TracedThread? leader) && leader.IsAlive
            ? leader
            : Threads.FirstOrDefault() ?? throw new SutureException($"process {Pid} has no live thread left", ExitCode.NoSuchProcess);

    /// <summary>Seizes and stops every thread of <paramref name="pid"/>. Call on the tracer thread.</summary>
    public static StoppedProcess Stop(int pid) => Stop(pid, allThreads: true);

    /// <summary>
    /// Seizes and stops only one thread (one asleep in the kernel if any), leaving the others
    /// running: enough to run system calls in the process. Call on the tracer thread.
    /// </summary>
    public static StoppedProcess StopOneThread(int pid) => Stop(pid, allThreads: false);

    private static StoppedProcess Stop(int pid, bool allThreads)
    {
        var process = new StoppedProcess(pid);
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

            return process;
        }
        catch
        {
            process.Resume();
            throw;
        }
    }

    public UserRegs GetRegisters(TracedThread thread) => _threads.ContainsKey(thread.Tid)
        ? Ptrace.GetRegisters(thread.Tid)
        : throw new ArgumentException($"thread {thread.Tid} is not a thread of process {Pid}", nameof(thread));

    /// <summary>Lets every thread run again. Safe to call more than once, and on every path.</summary>
    public void Resume()
    {
        if (_resumed)
        {
            return;
        }

        _resumed = true;
        foreach (int tid in _notYetStopped.ToArray())
        {
            WaitForStop(tid);
        }

        foreach (TracedThread thread in Threads)
        {
            // The first kept signal is delivered by the detach itself; any later ones are sent
            // again (the kernel queues them while the thread is stopped).
            foreach (int signal in thread.PendingSignals.Skip(1))
            {
                Ptrace.TrySendSignal(Pid, thread.Tid, signal);
            }

            Ptrace.TryDetach(thread.Tid, thread.PendingSignals.Count > 0 ? thread.PendingSignals[0] : 0);
        }
    }

    public void Dispose() => Resume();

    /// <summary>Waits until <paramref name="thread"/> reports its next stop (or its end) after a resume.</summary>
    internal WaitStatus WaitFor(TracedThread thread)
    {
        WaitStatus status = Ptrace.Wait(thread.Tid)!.Value;
        if (status.IsGone)
        {
            thread.IsAlive = false;
        }
        else if (status.IsCloneEvent)
        {
            AddClone(thread.Tid);
        }

        return status;
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
            while (_notYetStopped.Count > 0)
            {
                WaitForStop(_notYetStopped.First());
            }

            if (Threads.Any())
            {
                return;
            }
        }

        throw new SutureException($"no process with pid {Pid}", ExitCode.NoSuchProcess);
    }

    private void StopAll()
    {
        for (int round = 0; round < MaxRounds; round++)
        {
            int[] fresh = ThreadList.Read(Pid).Where(tid => !_threads.ContainsKey(tid)).ToArray();
            if (fresh.Length == 0 && _notYetStopped.Count == 0)
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

            while (_notYetStopped.Count > 0)
            {
                WaitForStop(_notYetStopped.First());
            }
        }

        throw new SutureException($"process {Pid} keeps creating threads faster than suture can stop them; try again", ExitCode.Busy);
    }

    private void Seize(int tid, bool followClones = true)
    {
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

        _threads[tid] = new TracedThread(tid);
        if (Ptrace.TryInterrupt(tid))
        {
            _notYetStopped.Add(tid);
        }
        else
        {
            _threads[tid].IsAlive = false;
        }
    }

    private void WaitForStop(int tid)
    {
        TracedThread thread = _threads[tid];
        WaitStatus status = Ptrace.Wait(tid)!.Value;
        _notYetStopped.Remove(tid);
        if (status.IsGone)
        {
            thread.IsAlive = false;
        }
        else if (status.IsCloneEvent)
        {
            AddClone(tid);
        }
        else if (status.IsSignalDeliveryStop)
        {
            thread.KeepSignal(status.StopSignal);
        }
    }

    private void AddClone(int parentTid)
    {
        int child = (int)Ptrace.GetEventMessage(parentTid);
        if (child > 0 && !_threads.ContainsKey(child))
        {
            _threads[child] = new TracedThread(child);
            _notYetStopped.Add(child);
        }
    }
}
