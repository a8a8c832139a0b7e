using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Suture.Process.Tracing;

/// <summary>
/// The one OS thread that issues every ptrace request. Linux ties a tracee to the thread that
/// attached, so work that touches tracees is sent here with <see cref="Run{T}"/> and runs to its
/// end (including its <c>finally</c> blocks that resume the target) before the next item starts.
/// </summary>
public sealed class Tracer : IDisposable
{
    private static readonly TimeSpan StragglerPoll = TimeSpan.FromMilliseconds(5);

    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    public Tracer()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "suture-tracer" };
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
        using var done = new ManualResetEventSlim(initialState: false, spinCount: 0); // block, do not steal the tracer's CPU
        _work.Add(() =>
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
        });
        done.Wait();
        failure?.Throw();
        return result;
    }

    public void Run(Action work) => Run(() =>
    {
        work();
        return 0;
    });

    public void Dispose()
    {
        _work.CompleteAdding();
        if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId)
        {
            _thread.Join();
        }

        _work.Dispose();
    }

    private void Loop()
    {
        while (!_work.IsCompleted)
        {
            // While threads that did not stop in time are still seized, look for their late stop
            // every few milliseconds and let them go at once (they are this thread's tracees).
            if (_work.TryTake(out Action? item, Stragglers.Count > 0 ? StragglerPoll : Timeout.InfiniteTimeSpan))
            {
                item();
            }
            else
            {
                Stragglers.ReleaseStopped();
            }
        }
    }
}
