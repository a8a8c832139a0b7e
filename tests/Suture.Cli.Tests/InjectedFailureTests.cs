using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// Failures no ordinary run produces, injected with strace into one exact system call of suture:
/// each must leave the target running, resumed, and as it was (or as reported).
/// </summary>
public sealed class InjectedFailureTests
{
    private const string Build = "gcc -DTHREADS=3 -DINTERVAL_US=2000 -pthread -o foo foo.c";

    [Fact]
    public void A_jump_write_the_kernel_refuses_with_EPERM_puts_back_what_was_written_and_unloads_the_patch()
    {
        using var project = SeedProject.WithPatch(TestTargets.Looper, Build);
        using RunningProgram program = project.StartUntil();
        string pid = program.Pid.ToString();
        int jump = JumpWrite(project, pid);

        // EPERM from pwrite64 is an UnauthorizedAccessException in .NET, not an IOException.
        ToolResult failed = Strace.RunInjecting("pwrite64", $"pwrite64:error=EPERM:when={jump}", "apply", "-p", pid, project.PatchPath);

        Assert.True(failed.ExitCode == (int)ExitCode.Failure, failed.ToString());
        Assert.Contains("failed while redirecting", failed.Stderr);
        Assert.Contains("restored to its previous code", failed.Stderr);
        Assert.DoesNotContain("internal failure", failed.Stderr);
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", pid).Stdout);
        Assert.DoesNotContain("/memfd:suture:", File.ReadAllText($"/proc/{pid}/maps"));
        program.WaitForSteady(SeedProject.OldLine, 20, program.LineCount);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", pid, project.PatchPath);
        program.WaitForSteady(SeedProject.NewLine, 10, before);
    }

    [Fact]
    public void A_detach_that_fails_once_does_not_keep_the_other_threads_stopped_and_is_tried_again()
    {
        using var project = SeedProject.WithPatch(TestTargets.Looper, Build);
        using RunningProgram program = project.StartUntil();
        string pid = program.Pid.ToString();
        (ToolResult dry, IReadOnlyList<string> calls) = Strace.Trace("ptrace", "status", "-p", pid, "--check", project.PatchPath);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        int detach = Strace.FirstNumber(calls, c => c.Contains("PTRACE_DETACH", StringComparison.Ordinal));

        ToolResult checkedOnce = Strace.RunInjecting("ptrace", $"ptrace:error=EIO:when={detach}", "status", "-p", pid, "--check", project.PatchPath);

        Assert.True(checkedOnce.ExitCode == 0, checkedOnce.ToString());
        Assert.Equal(0, LaunchedSuture.StoppedThreads(program.Pid));
        program.WaitForSteady(SeedProject.OldLine, 20, program.LineCount);
    }

    [Fact]
    public void A_signal_that_arrives_after_the_jump_is_written_lets_apply_finish_and_says_so()
    {
        using var project = SeedProject.WithPatch(TestTargets.Looper, Build);
        using RunningProgram program = project.StartUntil();
        string pid = program.Pid.ToString();
        int jump = JumpWrite(project, pid);

        // The jump is written, then strace holds suture's tracer thread in that write for 4 s
        // while every thread of the target is stopped: the signal comes after the commit point.
        using LaunchedSuture apply = LaunchedSuture.Start(Strace.Injecting("pwrite64", $"pwrite64:delay_exit=4000000:when={jump}"), "apply", "-p", pid, project.PatchPath);
        // Every thread of the target held for 300 ms on end: only the delayed write is that long.
        var held = System.Diagnostics.Stopwatch.StartNew();
        Wait.Until(
            () =>
            {
                if (LaunchedSuture.StoppedThreads(program.Pid) < 3)
                {
                    held.Restart();
                }

                return apply.HasEnded || held.Elapsed > TimeSpan.FromMilliseconds(300);
            },
            TimeSpan.FromSeconds(60),
            "suture held in the jump write");
        Assert.False(apply.HasEnded, apply.Output);
        apply.Send(LaunchedSuture.SigInt);
        string end = apply.WaitForEnd(TimeSpan.FromSeconds(30));

        Assert.True(end == "exit 0", $"{end}\n{apply.Output}");
        Assert.Contains("SIGINT arrived after the operation had taken effect", apply.Output);
        Assert.Contains("level 1", SutureCli.Succeed("status", "-p", pid).Stdout);
        program.WaitForSteady(SeedProject.NewLine, 10, program.LineCount);
    }

    /// <summary>Applies and reverts once under strace; the number of the pwrite64 that writes the 5-byte jump.</summary>
    private static int JumpWrite(SeedProject project, string pid)
    {
        (ToolResult dry, IReadOnlyList<string> calls) = Strace.Trace("pwrite64", "apply", "-p", pid, project.PatchPath);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        SutureCli.Succeed("revert", "-p", pid);
        return Strace.LastNumber(calls, c => Strace.Writes(c, 5));
    }
}
