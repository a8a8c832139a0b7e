using System.Diagnostics;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// A process with a thread that cannot be stopped (the parent thread of a vfork whose child
/// sleeps): apply must give up at --timeout, name the thread and its state, and answer SIGINT
/// and SIGTERM at once, the process resumed unchanged every time.
/// </summary>
public sealed class UnstoppableTargetTests
{
    private const string Build = "gcc -pthread -DTHREADS=6 -DHOLD_S=120 -o foo foo.c";

    [Fact]
    public void Apply_gives_up_at_the_timeout_naming_the_thread_in_uninterruptible_sleep()
    {
        using var project = new SeedProject(TestTargets.Vforker, Build);
        project.SucceedBuildPatch();
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        int sleeper = ThreadStates.WaitForUninterruptible(program.Pid);
        string pid = program.Pid.ToString();

        var clock = Stopwatch.StartNew();
        ToolResult refused = SutureCli.Run("apply", "-p", pid, "--timeout", "2", project.PatchPath);

        Assert.True(refused.ExitCode == (int)ExitCode.Busy, refused.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"apply took {clock.Elapsed.TotalSeconds:0.0} s with --timeout 2");
        Assert.Contains($"thread {sleeper} (foo) of process {pid} did not stop: it is in state D", refused.Stderr);
        Assert.Contains("nothing was changed", refused.Stderr);
        Assert.Equal(0, LaunchedSuture.StoppedThreads(program.Pid));
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", pid).Stdout);
        program.WaitForSteady(SeedProject.OldLine, 20, program.LineCount);
    }

    [Theory]
    [InlineData(LaunchedSuture.SigInt)]
    [InlineData(LaunchedSuture.SigTerm)]
    public void A_signal_while_a_thread_cannot_be_stopped_ends_apply_at_once_with_130_and_the_process_unchanged(int signal)
    {
        using var project = new SeedProject(TestTargets.Vforker, Build);
        project.SucceedBuildPatch();
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        ThreadStates.WaitForUninterruptible(program.Pid);

        using LaunchedSuture apply = LaunchedSuture.Start("apply", "-p", program.Pid.ToString(), "--timeout", "60", project.PatchPath);
        // Three or more threads held at once: the all-thread stop, waiting for the sleeping one.
        Wait.Until(() => LaunchedSuture.StoppedThreads(program.Pid) >= 3 || apply.HasEnded, TimeSpan.FromSeconds(30), "stopping the target");
        var clock = Stopwatch.StartNew();
        apply.Send(signal);
        string end = apply.WaitForEnd(TimeSpan.FromSeconds(10));
        TimeSpan answered = clock.Elapsed;

        Assert.True(end == "exit 130", $"{end}\n{apply.Output}");
        Assert.True(answered < TimeSpan.FromSeconds(2), $"suture took {answered.TotalMilliseconds:0} ms to answer the signal");
        Assert.Contains("interrupted", apply.Output);
        Assert.Equal(0, LaunchedSuture.StoppedThreads(program.Pid));
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", program.Pid.ToString()).Stdout);
        Assert.DoesNotContain("/memfd:suture:", File.ReadAllText($"/proc/{program.Pid}/maps"));
        program.WaitForSteady(SeedProject.OldLine, 20, program.LineCount);
    }
}
