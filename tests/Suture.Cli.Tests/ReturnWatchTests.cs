using System.Text.RegularExpressions;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// Threads that are almost always inside the function being replaced (TestTargets/resident.c,
/// libcare's frame_finish) are let run to the return of that frame and caught there, so the patch
/// goes in; a thread that never returns still makes apply refuse after the timeout, with its
/// return address put back (it returns normally later) and no page left behind.
/// </summary>
public sealed partial class ReturnWatchTests
{
    [Theory]
    [InlineData("gcc -pthread -o foo foo.c")]
    [InlineData("gcc -O2 -pthread -o foo foo.c")]
    public void Threads_sleeping_inside_the_function_are_caught_at_its_return_and_the_patch_goes_in(string build)
    {
        using var project = new SeedProject(TestTargets.Resident, build);
        ToolResult built = project.BuildPatch();
        Assert.True(built.ExitCode == 0, built.ToString());
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();
        int stubPages = AnonymousCodePages(program.Pid);

        // Without watching returns, some thread is always inside: this was refused after the timeout.
        ToolResult applied = SutureCli.Run("apply", "-p", pid, "--timeout", "10", project.PatchPath);
        Assert.True(applied.ExitCode == 0, applied.ToString());
        program.WaitForSteady(SeedProject.NewLine, 6, program.LineCount);
        Assert.Equal(stubPages, AnonymousCodePages(program.Pid));

        // The new function sleeps inside just the same: revert catches the threads the same way.
        ToolResult reverted = SutureCli.Run("revert", "-p", pid, "--timeout", "10");
        Assert.True(reverted.ExitCode == 0, reverted.ToString());
        program.WaitForSteady(SeedProject.OldLine, 6, program.LineCount);
        Assert.Equal(stubPages, AnonymousCodePages(program.Pid));
        Assert.False(program.HasExited);
    }

    [Fact]
    public void A_thread_that_never_returns_is_still_refused_after_the_timeout_and_returns_normally_later()
    {
        using var project = new SeedProject(TestTargets.Resident, "gcc -DSTUCK -pthread -o foo foo.c");
        ToolResult built = project.BuildPatch();
        Assert.True(built.ExitCode == 0, built.ToString());
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        program.WaitForLine(l => l == "alive");
        string pid = program.Pid.ToString();
        int stubPages = AnonymousCodePages(program.Pid);

        ToolResult result = SutureCli.Run("apply", "-p", pid, "--timeout", "1", project.PatchPath);

        Assert.True(result.ExitCode == (int)ExitCode.Busy, result.ToString());
        Assert.Matches(@"thread \d+ \(foo\) is in i_m_being_patched \(frame \d+ of \d+", result.Stderr);
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", pid).Stdout);
        Assert.Equal(stubPages, AnonymousCodePages(program.Pid));

        // The worker's return address was put back: released now, it returns into its caller.
        Assert.Equal(0, Tool.Run("kill", ["-USR1", pid]).ExitCode);
        program.WaitForLine(l => l == "released");
        program.WaitForLine(l => l == "alive", program.LineCount);
        Assert.False(program.HasExited);
    }

    /// <summary>Executable mappings backed by no file (the stub page is one while a watch runs).</summary>
    private static int AnonymousCodePages(int pid) =>
        File.ReadAllLines($"/proc/{pid}/maps").Count(l => AnonymousCode().IsMatch(l));

    [GeneratedRegex(@"^[0-9a-f]+-[0-9a-f]+ r-xp [0-9a-f]+ 00:00 0\s*$")]
    private static partial Regex AnonymousCode();
}
