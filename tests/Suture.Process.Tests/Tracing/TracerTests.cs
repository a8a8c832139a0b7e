using System.Diagnostics;
using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Process.Tests.Tracing;

/// <summary>
/// The tracer thread's hand-off (futex, no spinning) and the tracer pool of <c>apply -p all</c>:
/// work runs on the tracer thread, failures come back to the caller, and in the pool every ptrace
/// request for a process comes from the one thread that stopped it.
/// </summary>
public sealed class TracerTests
{
    [Fact]
    public void Work_runs_on_the_tracer_thread_and_its_failure_is_thrown_to_the_caller()
    {
        using var tracer = new Tracer();
        string name = tracer.Run(() => Thread.CurrentThread.Name!);
        Assert.Equal(Tracer.ThreadName, name);
        Assert.NotEqual(Environment.CurrentManagedThreadId, tracer.Run(() => Environment.CurrentManagedThreadId));
        var failure = Assert.Throws<InvalidOperationException>(() => tracer.Run(() => throw new InvalidOperationException("from the tracer")));
        Assert.Equal("from the tracer", failure.Message);
        Assert.Equal(42, tracer.Run(() => tracer.Run(() => 42))); // a nested Run runs inline
    }

    [Fact]
    public void Many_callers_hand_over_work_at_once_and_dispose_ends_the_thread_promptly()
    {
        var tracer = new Tracer();
        int count = 0;
        Parallel.For(0, 200, _ => tracer.Run(() => count++)); // only the tracer thread touches count
        Assert.Equal(200, count);

        var clock = Stopwatch.StartNew();
        tracer.Dispose();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"dispose took {clock.Elapsed.TotalMilliseconds:0} ms");
        tracer.Dispose(); // again: nothing
        Assert.Throws<ObjectDisposedException>(() => tracer.Run(() => 0));
    }

    [Fact]
    public void The_pool_stops_and_resumes_each_process_on_one_tracer_thread_and_runs_them_at_once()
    {
        using var directory = new TempDirectory();
        string exe = Gcc.Compile(GrandchildTicker.Source, directory.File("ticker"));
        var programs = Enumerable.Range(0, 6).Select(_ => RunningProgram.Start(exe)).ToList();
        try
        {
            int[] pids = programs.Select(p => GrandchildTicker.Pid(p)).ToArray();
            var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, byte>();
            int inFlight = 0, mostInFlight = 0;
            var seen = new List<int>();
            TracerPool.ForEach(pids, 3, pid =>
            {
                int now = Interlocked.Increment(ref inFlight);
                int most;
                while ((most = Volatile.Read(ref mostInFlight)) < now && Interlocked.CompareExchange(ref mostInFlight, now, most) != most)
                {
                }

                threads[Environment.CurrentManagedThreadId] = 0;
                Assert.Equal(Tracer.ThreadName, Thread.CurrentThread.Name);
                using (StoppedProcess stopped = StoppedProcess.Stop(pid))
                {
                    Assert.All(stopped.Threads, t => Assert.Equal('t', ThreadList.State(pid, t.Tid)));
                    Thread.Sleep(50); // hold it a little, so that the others overlap
                }

                Interlocked.Decrement(ref inFlight);
                return pid;
            }, pid =>
            {
                seen.Add(pid);
                return true;
            });

            Assert.Equal(pids.Order(), seen.Order());
            Assert.InRange(threads.Count, 2, 3);
            Assert.InRange(mostInFlight, 2, 3);
            foreach (RunningProgram program in programs)
            {
                int from = program.LineCount;
                program.WaitForLine(l => l.StartsWith("tick ", StringComparison.Ordinal), from, TimeSpan.FromSeconds(10)); // runs again
            }
        }
        finally
        {
            programs.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void A_failure_in_the_pool_stops_the_handing_out_and_is_thrown_after_the_others_finish()
    {
        int started = 0, finished = 0;
        var failure = Assert.Throws<InvalidOperationException>(() => TracerPool.ForEach(Enumerable.Range(0, 100).ToArray(), 4, item =>
        {
            Interlocked.Increment(ref started);
            if (item == 3)
            {
                throw new InvalidOperationException("item 3");
            }

            Thread.Sleep(20);
            Interlocked.Increment(ref finished);
            return item;
        }, _ => true));

        Assert.Equal("item 3", failure.Message);
        Assert.Equal(started - 1, Volatile.Read(ref finished)); // every started item ran to its end before the throw
        Assert.True(started < 100, $"{started} items were started after the failure");
    }
}
