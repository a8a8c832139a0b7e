using System.Collections.Concurrent;
using System.Diagnostics;
using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Process.Tests.Tracing;

/// <summary>
/// Several processes handled at once on the pool's tracer threads: every process ends untraced
/// and running, whatever happened to it on its worker (a thread too late to stop, a failure).
/// </summary>
public sealed class TracerPoolTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public void Late_threads_of_every_worker_are_let_go_and_every_process_runs_on()
    {
        using var directory = new TempDirectory();
        string vforker = Gcc.Compile(UnstoppableThreadTests.Source, directory.File("vforker"), "-pthread");
        var programs = new List<RunningProgram>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                programs.Add(RunningProgram.Start(vforker, "300")); // each vfork child holds its parent in state D for 300 ms
            }

            var pids = programs.Select(p => UnstoppableThreadTests.WaitForSleeper(p).Pid).ToList();
            var workers = new ConcurrentDictionary<int, int>();
            var outcomes = new List<string>();
            using var tracer = new Tracer();
            int caller = tracer.Run(() => Environment.CurrentManagedThreadId);
            tracer.Run(() => TracerPool.ForEach(pids, 3, pid =>
            {
                workers[pid] = Environment.CurrentManagedThreadId;
                try
                {
                    StoppedProcess.Stop(pid, TimeSpan.FromMilliseconds(100)).Dispose();
                    return "stopped";
                }
                catch (ThreadsNotStoppedException)
                {
                    return "late"; // the vfork parent is left seized, to be let go when it stops
                }
            }, outcome =>
            {
                outcomes.Add(outcome);
                return true;
            }));

            Assert.Equal(3, outcomes.Count);
            Assert.DoesNotContain(caller, workers.Values); // on the pool's own tracer threads
            foreach ((int pid, RunningProgram program) in pids.Zip(programs))
            {
                AssertUntraced(pid);
                UnstoppableThreadTests.AssertTickersRun(program);
                int from = program.LineCount; // the late thread carries on vforking
                program.WaitForLine(l => l.StartsWith("vfork ", StringComparison.Ordinal), from, Deadline);
            }
        }
        finally
        {
            programs.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void A_failure_on_one_worker_ends_the_run_after_the_others_have_resumed_their_process()
    {
        using var directory = new TempDirectory();
        string vforker = Gcc.Compile(UnstoppableThreadTests.Source, directory.File("vforker"), "-pthread");
        var programs = new List<RunningProgram>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                programs.Add(RunningProgram.Start(vforker, "50")); // a vfork child holds its parent for 50 ms only: every stop succeeds
            }

            var pids = programs.Select(p => UnstoppableThreadTests.WaitForSleeper(p).Pid).ToList();
            int handled = 0;
            using var tracer = new Tracer();
            var failure = Assert.Throws<InvalidOperationException>(() => tracer.Run(() => TracerPool.ForEach(pids, 2, pid =>
            {
                using StoppedProcess stopped = StoppedProcess.Stop(pid);
                Interlocked.Increment(ref handled);
                return pid == pids[0] ? throw new InvalidOperationException($"failure while process {pid} is held") : pid;
            }, _ => true)));

            Assert.Contains($"process {pids[0]}", failure.Message);
            Assert.InRange(handled, 1, pids.Count);
            foreach ((int pid, RunningProgram program) in pids.Zip(programs))
            {
                AssertUntraced(pid);
                UnstoppableThreadTests.AssertTickersRun(program);
            }
        }
        finally
        {
            programs.ForEach(p => p.Dispose());
        }
    }

    /// <summary>No thread of <paramref name="pid"/> has a tracer and none is in a stop, within the deadline.</summary>
    private static void AssertUntraced(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var traced = ThreadList.Tracers(pid);
            var stopped = ThreadList.Read(pid).Where(tid => ThreadList.State(pid, tid) is 't' or 'T').ToList();
            if (traced.Count == 0 && stopped.Count == 0)
            {
                return;
            }

            Assert.True(clock.Elapsed < Deadline, $"process {pid}: threads {string.Join(", ", traced.Select(t => $"{t.Tid} traced by {t.Tracer}"))} {string.Join(", ", stopped)} still held after {Deadline.TotalSeconds} s");
            Thread.Sleep(10);
        }
    }
}
