using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// Threads this tracer thread seized and asked to stop that did not stop in time (a thread in
/// uninterruptible sleep only stops when the kernel lets it go). A seized thread cannot be
/// detached until it stops, so each is let go the moment it reports its stop: every
/// <see cref="StoppedProcess"/> polls them when it starts and when it resumes, and the kernel
/// detaches any left when the tracer thread (or suture) exits. Per OS thread, as ptrace is.
/// </summary>
internal static class Stragglers
{
    [ThreadStatic]
    private static Dictionary<int, (int Pid, TracedThread Thread)>? t_threads;

    private static Dictionary<int, (int Pid, TracedThread Thread)> Threads => t_threads ??= [];

    public static int Count => t_threads?.Count ?? 0;

    public static void Add(int pid, TracedThread thread)
    {
        thread.Hold = ThreadHold.Abandoned;
        Threads[thread.Tid] = (pid, thread);
    }

    /// <summary>Takes back a straggler of <paramref name="pid"/> that a new stop of the same process meets again.</summary>
    public static bool TryTake(int pid, int tid, out TracedThread thread)
    {
        if (t_threads is not null && t_threads.TryGetValue(tid, out var entry) && entry.Pid == pid)
        {
            t_threads.Remove(tid);
            thread = entry.Thread;
            if (thread.Hold == ThreadHold.Abandoned)
            {
                thread.Hold = ThreadHold.Pending; // still seized, its stop not reported yet
            }

            return true;
        }

        thread = null!;
        return false;
    }

    /// <summary>Lets go of every straggler that has stopped (or exited) by now; never waits.</summary>
    public static void ReleaseStopped()
    {
        if (t_threads is null || t_threads.Count == 0)
        {
            return;
        }

        foreach ((int tid, (int pid, TracedThread thread)) in t_threads.ToArray())
        {
            if (thread.Hold != ThreadHold.Held && !ReportedStop(pid, tid, thread))
            {
                continue;
            }

            try
            {
                ThreadRelease.Release(pid, thread);
                t_threads.Remove(tid);
            }
            catch (NativeCallException e)
            {
                TracingWarnings.Raise($"thread {tid} of process {pid} stopped late and could not be let go yet ({e.Message}); it runs again when suture exits");
            }
        }
    }

    /// <summary>Polls a straggler once; true when it is now stopped (held), false when it still runs or has gone.</summary>
    private static bool ReportedStop(int pid, int tid, TracedThread thread)
    {
        WaitStatus? status;
        try
        {
            status = Ptrace.Wait(tid, noHang: true);
        }
        catch (NativeCallException e) when (e.ErrorNumber == Errno.ECHILD)
        {
            Threads.Remove(tid); // no longer ours: it has gone and been reaped
            return false;
        }

        if (status is not WaitStatus stop)
        {
            return false;
        }

        int child = thread.OnStop(stop);
        if (!thread.IsAlive)
        {
            Threads.Remove(tid);
            return false;
        }

        if (child > 0)
        {
            Add(pid, new TracedThread(child)); // attached by the kernel; let go once it reports its first stop
        }

        return true;
    }
}
