using System.Diagnostics;
using Suture.Native;
using Suture.Process.Events;
using Suture.TestSupport;

namespace Suture.Process.Tests.Events;

/// <summary>
/// Both event sources against real processes: a gcc-built program's exec is seen, and its death
/// by SIGSEGV (raised from a SIGUSR1 handler, so the test decides when) is reported with the
/// signal. The connector needs CAP_NET_ADMIN in the host's namespaces, which the tests have.
/// </summary>
public sealed class ProcessEventSourceTests
{
    private const int SigUsr1 = 10;
    private const int SigSegv = 11;

    private const string Crasher = """
        #include <signal.h>
        #include <stdio.h>
        #include <unistd.h>
        static void crash(int signal) { (void)signal; *(volatile int *)0 = 1; }
        int main(void)
        {
            signal(SIGUSR1, crash);
            printf("ready %d\n", (int)getpid());
            fflush(stdout);
            for (;;) pause();
        }
        """;

    // Forks the crasher and never reaps it, so a /proc rescan finds its zombie and status.
    private const string Holder = """
        #include <stdio.h>
        #include <unistd.h>
        int main(int argc, char **argv)
        {
            (void)argc;
            pid_t child = fork();
            if (child == 0) {
                execl(argv[1], argv[1], (char *)NULL);
                _exit(127);
            }
            printf("child %d\n", (int)child);
            fflush(stdout);
            for (;;) pause();
        }
        """;

    [Fact]
    public void The_connector_reports_exec_and_death_by_SIGSEGV()
    {
        using var directory = new TempDirectory();
        string crasher = Gcc.Compile(Crasher, directory.File("crasher"), "-O0");
        using var events = new EventCollector(ProcessEvents.Open(new ProcessEventOptions { Mechanism = ProcessEventMechanism.Connector }, out _));
        using var program = RunningProgram.Start(crasher);
        int pid = program.Pid;

        events.WaitFor(e => e.Kind == ProcessEventKind.Exec && e.Pid == pid, $"exec of process {pid}");
        program.WaitForLine(l => l == $"ready {pid}");
        Assert.Equal(0, Interop.Kill(pid, SigUsr1));

        ProcessEvent exit = events.WaitFor(e => e.Kind == ProcessEventKind.Exit && e.Pid == pid, $"exit of process {pid}");
        Assert.Equal(SigSegv, exit.Signal);
        Assert.Null(exit.ExitCode);
        Assert.Contains(events.For(pid), e => e.Kind == ProcessEventKind.Fork && e.ParentPid == Environment.ProcessId);
        Assert.True(exit.Timestamp <= Stopwatch.GetTimestamp(), "the kernel's timestamp is CLOCK_MONOTONIC, like Stopwatch");
    }

    [Fact]
    public void The_connector_reports_a_normal_exit_code_and_no_thread_events()
    {
        using var directory = new TempDirectory();
        string program = Gcc.Compile("""
            #include <pthread.h>
            static void *run(void *arg) { return arg; }
            int main(void) { pthread_t t; pthread_create(&t, 0, run, 0); pthread_join(t, 0); return 3; }
            """, directory.File("threads"), "-O0", "-pthread");
        using var events = new EventCollector(ProcessEvents.Open(new ProcessEventOptions { Mechanism = ProcessEventMechanism.Connector }, out _));
        using var process = System.Diagnostics.Process.Start(program);
        int pid = process.Id;
        Assert.True(process.WaitForExit(30_000));

        ProcessEvent exit = events.WaitFor(e => e.Kind == ProcessEventKind.Exit && e.Pid == pid, $"exit of process {pid}");
        Assert.Equal(3, exit.ExitCode);
        Assert.Equal(0, exit.Signal);
        // The thread's clone and exit are not process events: one fork (the process itself), one exit.
        Assert.Single(events.For(pid), e => e.Kind == ProcessEventKind.Exit);
        Assert.DoesNotContain(events.For(pid), e => e.Kind == ProcessEventKind.Fork && e.ParentPid == pid);
    }

    [Fact]
    public void The_proc_rescan_reports_exec_and_death_by_SIGSEGV_of_a_watched_process()
    {
        using var directory = new TempDirectory();
        string crasher = Gcc.Compile(Crasher, directory.File("crasher"), "-O0");
        string holder = Gcc.Compile(Holder, directory.File("holder"), "-O0");
        var options = new ProcessEventOptions { Mechanism = ProcessEventMechanism.Rescan, RescanInterval = TimeSpan.FromMilliseconds(20) };
        using var events = new EventCollector(ProcessEvents.Open(options, out string? reason));
        Assert.Null(reason);
        using var parent = RunningProgram.Start(holder, crasher);
        int index = parent.WaitForLine(l => l.StartsWith("child ", StringComparison.Ordinal));
        string line = parent.Lines()[index];
        int pid = int.Parse(line["child ".Length..], System.Globalization.CultureInfo.InvariantCulture);

        events.WaitFor(e => e.Kind == ProcessEventKind.Exec && e.Pid == pid, $"exec of process {pid}");
        Wait.Until(() => new FileInfo($"/proc/{pid}/exe").LinkTarget == crasher, TimeSpan.FromSeconds(30), $"process {pid} to run the crasher");
        events.Source.WatchExit(pid);
        Assert.Equal(0, Interop.Kill(pid, SigUsr1));

        ProcessEvent exit = events.WaitFor(e => e.Kind == ProcessEventKind.Exit && e.Pid == pid, $"exit of process {pid}");
        Assert.Equal(SigSegv, exit.Signal);
        Assert.Equal(parent.Pid, exit.ParentPid);
    }

    [Fact]
    public void The_proc_rescan_sees_a_process_start_and_go()
    {
        using var directory = new TempDirectory();
        string crasher = Gcc.Compile(Crasher, directory.File("crasher"), "-O0");
        var options = new ProcessEventOptions { Mechanism = ProcessEventMechanism.Rescan, RescanInterval = TimeSpan.FromMilliseconds(20) };
        using var events = new EventCollector(ProcessEvents.Open(options, out _));
        var program = RunningProgram.Start(crasher);
        int pid = program.Pid;
        try
        {
            events.WaitFor(e => e.Kind == ProcessEventKind.Exec && e.Pid == pid, $"exec of process {pid}");
        }
        finally
        {
            program.Dispose();
        }

        // Reaped by the test host at once: the rescan sees it go, without a status.
        events.WaitFor(e => e.Kind == ProcessEventKind.Exit && e.Pid == pid, $"exit of process {pid}");
    }

    [Theory]
    [InlineData(ProcessEventMechanism.Connector)]
    [InlineData(ProcessEventMechanism.Rescan)]
    public async Task Disposal_stops_the_source_promptly_and_completes_its_channel(ProcessEventMechanism mechanism)
    {
        IProcessEventSource source = ProcessEvents.Open(new ProcessEventOptions { Mechanism = mechanism, RescanInterval = TimeSpan.FromSeconds(5) }, out _);
        var clock = Stopwatch.StartNew();
        source.Dispose();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"disposing the {source.Mechanism} took {clock.Elapsed.TotalMilliseconds:0} ms");
        await source.Events.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        source.Dispose();
    }
}
