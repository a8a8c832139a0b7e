using System.Diagnostics;
using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>Lets one stopped thread run again, with the signals that arrived while it was held.</summary>
internal static class ThreadRelease
{
    /// <summary>How long a signal that finds the target's real-time queue full is retried once the thread runs and can drain it.</summary>
    private static readonly TimeSpan QueueFullRetry = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the end of a thread killed while held is waited for.</summary>
    private static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Detaches <paramref name="thread"/>, delivering the first kept signal with the detach itself
    /// and the others again with tgkill (queued while it is still stopped; retried after the
    /// detach if the queue was full). A signal that cannot be re-delivered is reported as a
    /// warning, never dropped silently. Throws <see cref="NativeCallException"/> when the detach
    /// fails; the thread then stays <see cref="ThreadHold.Held"/> so that it can be tried again.
    /// </summary>
    public static void Release(int pid, TracedThread thread)
    {
        IReadOnlyList<int> signals = thread.PendingSignals;
        var refused = new List<int>();
        foreach (int signal in signals.Skip(1))
        {
            int errno = Ptrace.TrySendSignal(pid, thread.Tid, signal);
            if (errno == Errno.EAGAIN)
            {
                refused.Add(signal);
            }
            else if (errno != 0 && errno != Errno.ESRCH)
            {
                Lost(pid, thread.Tid, signal, errno);
            }
        }

        bool alive = Ptrace.TryDetach(thread.Tid, signals.Count > 0 ? signals[0] : 0);
        thread.Hold = alive ? ThreadHold.Released : ThreadHold.Gone;
        thread.ForgetSignals();
        foreach (int signal in refused)
        {
            Resend(pid, thread.Tid, signal);
        }
    }

    /// <summary>
    /// Threads killed while held (SIGKILL from someone else; <see cref="ThreadHold.Gone"/> after
    /// <see cref="Release"/>) are still traced: until their tracer waits for them, the kernel keeps
    /// them zombies and the parent's wait does not return (a supervisor would never see the
    /// death). Waits for their ends together, for at most a second (a process's main thread is
    /// reported only after its other threads); ECHILD: not traced by this thread any more.
    /// </summary>
    public static void Reap(IEnumerable<int> tids)
    {
        var left = new HashSet<int>(tids);
        long started = Stopwatch.GetTimestamp();
        while (left.Count > 0 && Stopwatch.GetElapsedTime(started) < ReapWait)
        {
            foreach (int tid in left.ToList())
            {
                try
                {
                    if (Ptrace.Wait(tid, noHang: true) is { IsGone: true })
                    {
                        left.Remove(tid);
                    }
                }
                catch (NativeCallException)
                {
                    left.Remove(tid);
                }
            }

            if (left.Count > 0)
            {
                Backoff.Pause(started);
            }
        }
    }

    private static void Resend(int pid, int tid, int signal)
    {
        long started = Stopwatch.GetTimestamp();
        while (true)
        {
            int errno = Ptrace.TrySendSignal(pid, tid, signal);
            if (errno == 0 || errno == Errno.ESRCH)
            {
                return; // delivered, or the thread has exited since
            }

            if (errno != Errno.EAGAIN || Stopwatch.GetElapsedTime(started) > QueueFullRetry)
            {
                Lost(pid, tid, signal, errno);
                return;
            }

            Backoff.Pause(started);
        }
    }

    private static void Lost(int pid, int tid, int signal, int errno) => TracingWarnings.Raise(
        $"signal {signal} arrived for thread {tid} of process {pid} while suture held it and could not be delivered again: tgkill failed with {Errno.Describe(errno)}{(errno == Errno.EAGAIN ? "; its queue of pending real-time signals is full (RLIMIT_SIGPENDING)" : "")}; the process did not receive it");
}
