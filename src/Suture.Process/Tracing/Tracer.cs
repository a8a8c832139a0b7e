using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// The one OS thread that issues every ptrace request. Linux ties a tracee to the thread that
/// attached, so work that touches tracees is sent here with <see cref="Run{T}"/> and runs to its
/// end (including its <c>finally</c> blocks that resume the target) before the next item starts.
/// </summary>
/// <remarks>
/// The work runs on the core of the thread that handed it over, which sleeps until it is done
/// (<see cref="CpuAffinity"/>, for the work's duration only): left to the scheduler, the woken
/// tracer was often placed on a core where a thread of the target was running and preempted it for
/// a whole tick while the caller's core stood idle (perf sched, docs/performance.md), which a
/// target sees as being frozen for ~4 ms before anything was stopped.
/// Work is handed over and its end awaited with <see cref="FutexEvent"/>s: both sides sleep in the
/// kernel at once, never spinning or calling <c>sched_yield</c> first. On a host whose cores are
/// all busy each yield gives the core away for a whole time slice of another task: the handoff
/// and the exit of this thread (<see cref="Dispose"/>) cost about 100 ms that way, with the
/// runtime's BlockingCollection, against well under 1 ms now (docs/performance.md).
/// </remarks>
public sealed class Tracer : IDisposable
{
    /// <summary>The name of the tracer thread (its comm): how a refused suture recognises another one.</summary>
    public const string ThreadName = "suture-tracer";

    private static readonly TimeSpan StragglerPoll = TimeSpan.FromMilliseconds(5);

    private readonly ConcurrentQueue<Action> _work = new();
    private readonly FutexEvent _ready = new();
    private readonly FutexEvent _exited = new();
    private readonly Lock _gate = new();
    private readonly Thread _thread;
    private bool _closing;

    public Tracer()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = ThreadName };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the tracer thread and waits for it.</summary>
    public T Run<T>(Func<T> work)
    {
        if (Environment.CurrentManagedThreadId == _thread.ManagedThreadId)
        {
            return work();
        }

        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var done = new FutexEvent();
        int callerCpu = CpuAffinity.Current(); // the caller sleeps until the work is done: its core is free for it
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            _work.Enqueue(() => CpuAffinity.RunOn(callerCpu, () =>
            {
                try
                {
                    result = work();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    done.Set();
                }
            }));
        }

        _ready.Set();
        done.Wait();
        failure?.Throw();
        return result;
    }

    public void Run(Action work) => Run(() =>
    {
        work();
        return 0;
    });

    /// <summary>Lets the tracer thread finish the work handed to it and end; waits for that unless called on it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
        }

        _ready.Set();
        if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId)
        {
            _exited.Wait();
        }
    }

    private void Loop()
    {
        Pause.TightenTimerSlack(); // the polls for a tracee's stop sleep microseconds (Backoff)
        try
        {
            while (true)
            {
                _ready.Reset(); // before the queue is read: a hand-off from now on sets it again
                while (_work.TryDequeue(out Action? item))
                {
                    item();
                }

                if (Volatile.Read(ref _closing) && _work.IsEmpty)
                {
                    return;
                }

                // While threads that did not stop in time are still seized, look for their late stop
                // every few milliseconds and let them go at once (they are this thread's tracees).
                if (!_ready.Wait(Stragglers.Count > 0 ? StragglerPoll : null))
                {
                    Stragglers.ReleaseStopped();
                }
            }
        }
        finally
        {
            _exited.Set(); // the thread ends right after; the kernel lets go of any straggler then
        }
    }
}
