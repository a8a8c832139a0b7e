using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// Handles independent processes at once (<c>apply -p all</c>): a few tracer threads each take
/// the next process and do all of its work, so every ptrace request for a process comes from the
/// one thread that attached it, and that thread has let it go before it takes the next. A
/// failure that must end the run stops the handing out; the threads finish the process they hold
/// (resuming it) and the failure is thrown on the calling thread.
/// </summary>
/// <remarks>
/// A thread that did not stop in time stays seized by the worker that asked it to stop
/// (<see cref="Stragglers"/>, per OS thread as ptrace is) and is let go by that worker the moment
/// it stops: between items, and once the items are all handed out, by polling every few
/// milliseconds for up to <see cref="StragglerLinger"/> before the worker ends. A worker never
/// ends while it still has work in hand; for a straggler still not stopped after that (a thread
/// in uninterruptible sleep), the worker's exit makes the kernel let go of it, with no stop and
/// no lost signal, as the exit of suture does for the single tracer thread.
/// </remarks>
public static class TracerPool
{
    /// <summary>How long a worker that has finished its items keeps polling its stragglers to let them go.</summary>
    public static readonly TimeSpan StragglerLinger = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan StragglerPoll = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Two tracer threads per core, at most 16: a tracer mostly waits for its target's threads
    /// to stop, so two per core keep the cores busy (docs/performance.md).
    /// </summary>
    public static int DefaultThreads { get; } = Math.Clamp(2 * Environment.ProcessorCount, 1, 16);

    /// <summary>
    /// Runs <paramref name="work"/> for every item on up to <paramref name="threads"/> tracer
    /// threads; <paramref name="done"/> gets each result as it comes (one at a time, under a lock)
    /// and returns false to stop handing out further items; none is started once
    /// <paramref name="cancellation"/> is signalled. With one thread or one
    /// item it all runs on the calling thread, which must then be a tracer thread.
    /// An exception from <paramref name="work"/> or <paramref name="done"/> stops the handing out
    /// and is thrown here once every worker has ended.
    /// </summary>
    public static void ForEach<TItem, TResult>(IReadOnlyList<TItem> items, int threads, Func<TItem, TResult> work, Func<TResult, bool> done, CancellationToken cancellation = default)
    {
        int count = Math.Min(threads, items.Count);
        if (count <= 1)
        {
            foreach (TItem item in items)
            {
                if (cancellation.IsCancellationRequested || !done(work(item)))
                {
                    break;
                }
            }

            return;
        }

        var gate = new Lock();
        var finished = new FutexEvent();
        int next = -1;
        int running = 1; // the starting loop's own count, dropped once every worker is started
        bool stopped = false;
        ExceptionDispatchInfo? failure = null;
        void Fail(Exception e)
        {
            lock (gate)
            {
                failure ??= ExceptionDispatchInfo.Capture(e);
                stopped = true;
            }
        }

        void Ended()
        {
            if (Interlocked.Decrement(ref running) == 0)
            {
                finished.Set();
            }
        }

        void Worker()
        {
            try
            {
                Pause.TightenTimerSlack();
                CpuAffinity.LikeMainThread(); // started by a tracer kept on one core (Tracer), which it would inherit
                while (true)
                {
                    Stragglers.ReleaseStopped();
                    int index = Interlocked.Increment(ref next);
                    if (index >= items.Count || Volatile.Read(ref stopped) || cancellation.IsCancellationRequested)
                    {
                        break;
                    }

                    TResult result = work(items[index]); // resumes its process on every path before it returns or throws
                    lock (gate)
                    {
                        if (!done(result))
                        {
                            stopped = true;
                        }
                    }
                }
            }
#pragma warning disable CA1031 // any failure ends the run, thrown on the calling thread; an unhandled one would end suture while others hold a process
            catch (Exception e)
#pragma warning restore CA1031
            {
                Fail(e);
            }
            finally
            {
                LetGoOfStragglers(cancellation);
                Ended();
            }
        }

        try
        {
            for (int i = 0; i < count; i++)
            {
                Interlocked.Increment(ref running);
                try
                {
                    new Thread(Worker) { IsBackground = true, Name = Tracer.ThreadName }.Start();
                }
                catch
                {
                    Interlocked.Decrement(ref running);
                    throw;
                }
            }
        }
#pragma warning disable CA1031 // a thread that cannot be started ends the run once the started ones have finished their process
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
#pragma warning restore CA1031
        {
            Fail(e);
        }
        finally
        {
            Ended();
        }

        finished.Wait(); // never return while a worker may still hold a process
        failure?.Throw();
    }

    /// <summary>
    /// Polls this worker's stragglers until none is left, <see cref="StragglerLinger"/> has
    /// passed, or the run is cancelled; whatever is left the kernel lets go when the thread ends.
    /// </summary>
    private static void LetGoOfStragglers(CancellationToken cancellation)
    {
        long started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                Stragglers.ReleaseStopped();
            }
#pragma warning disable CA1031 // a straggler that cannot be polled is let go by the kernel when this thread ends
            catch (Exception e)
#pragma warning restore CA1031
            {
                TracingWarnings.Raise($"late threads could not be polled ({e.Message}); they run again when this tracer thread ends");
                return;
            }

            if (Stragglers.Count == 0 || cancellation.IsCancellationRequested || Stopwatch.GetElapsedTime(started) >= StragglerLinger)
            {
                return;
            }

            Thread.Sleep(StragglerPoll);
        }
    }
}
