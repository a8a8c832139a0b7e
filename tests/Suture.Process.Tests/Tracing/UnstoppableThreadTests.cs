using System.Diagnostics;
using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Process.Tests.Tracing;

/// <summary>
/// A thread in uninterruptible sleep (the parent thread of a vfork, until the child exits) cannot
/// be stopped: stopping the process must give up at the timeout or a cancellation, name the
/// thread and its state, and let every other thread run on at once.
/// </summary>
public sealed class UnstoppableThreadTests
{
    // The test host reaps its own children's wait statuses (ptrace stops included), so the
    // traced process is a grandchild. Three threads tick; one more vforks a child that sleeps
    // argv[1] milliseconds, and waits for it in state D meanwhile.
    internal const string Source = """
        #include <pthread.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/wait.h>
        #include <time.h>
        #include <unistd.h>
        static long hold_ms;
        static void *ticker(void *arg)
        {
            for (unsigned long i = 0;; i++) {
                printf("tick %ld %lu\n", (long)arg, i);
                usleep(5000);
            }
            return NULL;
        }
        static void *forker(void *arg)
        {
            (void)arg;
            for (unsigned long round = 0;; round++) {
                pid_t child = vfork();
                if (child == 0) {
                    struct timespec hold = { hold_ms / 1000, (hold_ms % 1000) * 1000000L };
                    nanosleep(&hold, NULL);
                    _exit(0);
                }
                waitpid(child, NULL, 0); /* reaped at once: no zombies pile up however short the hold */
                printf("vfork %lu returned\n", round);
            }
            return NULL;
        }
        int main(int argc, char **argv)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            hold_ms = argc > 1 ? atol(argv[1]) : 60000;
            pid_t child = fork();
            if (child > 0) {
                int status;
                waitpid(child, &status, 0);
                return 0;
            }
            printf("pid %d\n", (int)getpid());
            pthread_t thread;
            pthread_create(&thread, NULL, forker, NULL);
            pthread_create(&thread, NULL, ticker, (void *)1);
            pthread_create(&thread, NULL, ticker, (void *)2);
            ticker((void *)0);
        }
        """;

    [Fact]
    public void Stopping_gives_up_at_the_timeout_names_the_sleeping_thread_and_lets_every_other_thread_run()
    {
        using var directory = new TempDirectory();
        using RunningProgram program = RunningProgram.Start(Gcc.Compile(Source, directory.File("vforker"), "-pthread"), "4000");
        (int pid, int sleeper) = WaitForSleeper(program);
        using var tracer = new Tracer();

        var clock = Stopwatch.StartNew();
        ThreadsNotStoppedException refused = Assert.Throws<ThreadsNotStoppedException>(() => tracer.Run(() => StoppedProcess.Stop(pid, TimeSpan.FromSeconds(1)).Dispose()));
        TimeSpan took = clock.Elapsed;

        Assert.InRange(took, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5));
        Assert.Equal(ExitCode.Busy, refused.ExitCode);
        var late = Assert.Single(refused.Threads);
        Assert.Equal(sleeper, late.Tid);
        Assert.StartsWith("state D", late.State);
        Assert.Contains($"thread {sleeper}", refused.Message);
        AssertTickersRun(program);

        // Once its child has exited the thread stops (the interrupt was still pending) and the
        // idle tracer lets it go at once: it carries on vforking.
        int from = program.LineCount;
        program.WaitForLine(l => l.StartsWith("vfork ", StringComparison.Ordinal), from, TimeSpan.FromSeconds(15));
        Assert.NotEqual('t', ThreadList.State(pid, sleeper));
    }

    [Fact]
    public void A_cancellation_ends_a_stop_that_waits_for_a_sleeping_thread_within_milliseconds()
    {
        using var directory = new TempDirectory();
        using RunningProgram program = RunningProgram.Start(Gcc.Compile(Source, directory.File("vforker"), "-pthread"));
        (int pid, _) = WaitForSleeper(program);
        using var tracer = new Tracer();
        using var cancellation = new CancellationTokenSource();
        long cancelled = 0;
        using var timer = new Timer(_ =>
        {
            cancelled = Stopwatch.GetTimestamp();
            cancellation.Cancel();
        }, null, 500, Timeout.Infinite);

        SutureException interrupted = Assert.ThrowsAny<SutureException>(() => tracer.Run(() => StoppedProcess.Stop(pid, TimeSpan.FromSeconds(60), cancellation.Token).Dispose()));
        TimeSpan answered = Stopwatch.GetElapsedTime(cancelled);

        Assert.Equal(ExitCode.Interrupted, interrupted.ExitCode);
        Assert.True(answered < TimeSpan.FromMilliseconds(500), $"the stop took {answered.TotalMilliseconds:0} ms to notice the cancellation");
        AssertTickersRun(program);
    }

    [Fact]
    public void One_thread_is_borrowed_quickly_although_another_sleeps_uninterruptibly()
    {
        using var directory = new TempDirectory();
        using RunningProgram program = RunningProgram.Start(Gcc.Compile(Source, directory.File("vforker"), "-pthread"));
        (int pid, int sleeper) = WaitForSleeper(program);
        using var tracer = new Tracer();

        var clock = Stopwatch.StartNew();
        int borrowed = tracer.Run(() =>
        {
            using StoppedProcess one = StoppedProcess.StopOneThread(pid, TimeSpan.FromSeconds(30));
            return one.LeaderThread.Tid;
        });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"borrowing a thread took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.NotEqual(sleeper, borrowed);
        AssertTickersRun(program);
    }

    /// <summary>The target's pid and the tid of its thread waiting for a vfork child (state D).</summary>
    internal static (int Pid, int Sleeper) WaitForSleeper(RunningProgram program)
    {
        int line = program.WaitForLine(l => l.StartsWith("pid ", StringComparison.Ordinal));
        int pid = int.Parse(program.Lines(line)[0][4..], System.Globalization.CultureInfo.InvariantCulture);
        return (pid, ThreadStates.WaitForUninterruptible(pid));
    }

    /// <summary>Each of the three tickers prints again, and none of them is held in a ptrace stop.</summary>
    internal static void AssertTickersRun(RunningProgram program)
    {
        int from = program.LineCount;
        for (int ticker = 0; ticker < 3; ticker++)
        {
            string prefix = $"tick {ticker} ";
            program.WaitForLine(l => l.StartsWith(prefix, StringComparison.Ordinal), from, TimeSpan.FromSeconds(5));
        }
    }
}
