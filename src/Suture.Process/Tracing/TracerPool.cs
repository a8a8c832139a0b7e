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
public static class TracerPool
{
    /// <summary>
    /// One for now: everything on the calling tracer thread, as before the pool. With several,
    /// <c>apply -p all</c> failed once in three CI runs when processes were killed while it held
    /// them (LibraryTests' exit-during-apply test), and late threads handed to
    /// <see cref="Stragglers"/> by a worker would outlive the worker that traced them. The intended
    /// figure is two per core, at most 16 (a tracer mostly waits for the target's threads), once
    /// that is sorted out (docs/performance.md).
    /// </summary>
    public static int DefaultThreads => 1;

    /// <summary>
    /// Runs <paramref name="work"/> for every item on up to <paramref name="threads"/> tracer
    /// threads; <paramref name="done"/> gets each result as it comes (one at a time, under a lock)
    /// and returns false to stop handing out further items; none is started once
    /// <paramref name="cancellation"/> is signalled. With one thread or one
    /// item it all runs on the calling thread, which must then be a tracer thread.
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
        int running = count;
        bool stopped = false;
        ExceptionDispatchInfo? failure = null;
        void Worker()
        {
            Pause.TightenTimerSlack();
            try
            {
                while (true)
                {
                    int index = Interlocked.Increment(ref next);
                    if (index >= items.Count || Volatile.Read(ref stopped) || cancellation.IsCancellationRequested)
                    {
                        return;
                    }

                    TResult result;
                    try
                    {
                        result = work(items[index]);
                    }
                    catch (Exception e)
                    {
                        lock (gate)
                        {
                            failure ??= ExceptionDispatchInfo.Capture(e);
                            stopped = true;
                        }

                        return;
                    }

                    lock (gate)
                    {
                        if (!done(result))
                        {
                            stopped = true;
                        }
                    }
                }
            }
            finally
            {
                if (Interlocked.Decrement(ref running) == 0)
                {
                    finished.Set();
                }
            }
        }

        for (int i = 0; i < count; i++)
        {
            new Thread(Worker) { IsBackground = true, Name = Tracer.ThreadName }.Start();
        }

        finished.Wait();
        failure?.Throw();
    }
}
