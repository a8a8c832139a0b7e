using System.Diagnostics;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>Apply and revert on targets that are busy, spawn threads and receive signals meanwhile.</summary>
public sealed class ConsistencyTests
{
    [Fact]
    public void Threads_that_keep_spawning_threads_into_the_function_never_break_apply_or_revert()
    {
        using var project = new SeedProject(TestTargets.Spawner, "gcc -pthread -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();

        for (int round = 0; round < 3; round++)
        {
            int before = program.LineCount;
            SutureCli.Succeed("apply", "-p", pid, project.PatchPath);
            int patched = program.WaitForSteady(SeedProject.NewLine, 20, before);
            SutureCli.Succeed("revert", "-p", pid);
            program.WaitForSteady(SeedProject.OldLine, 20, patched);
        }

        Assert.False(program.HasExited);
    }

    [Fact]
    public void Signals_that_arrive_during_apply_and_revert_are_all_delivered()
    {
        const int Count = 400;
        using var project = new SeedProject(TestTargets.Signals, "gcc -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using var tools = new TempDirectory();
        string sender = Gcc.Compile(File.ReadAllText(TestTargets.Sender), tools.File("sender"));
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == "received 0");
        string pid = program.Pid.ToString();

        using var sending = System.Diagnostics.Process.Start(sender, [pid, Count.ToString()]);
        int rounds = 0;
        while (!sending.HasExited || rounds < 2)
        {
            SutureCli.Succeed("apply", "-p", pid, project.PatchPath);
            SutureCli.Succeed("revert", "-p", pid);
            rounds++;
        }

        Assert.True(sending.WaitForExit(60_000));
        Assert.Equal(0, sending.ExitCode);
        program.WaitForLine(l => l == $"received {Count}", timeout: TimeSpan.FromSeconds(20));
        Assert.DoesNotContain(program.Lines(), l => l.StartsWith("received ", StringComparison.Ordinal) && int.Parse(l[9..]) > Count);
    }

    [Fact]
    public void Suture_killed_with_SIGKILL_mid_apply_leaves_the_target_running_old_or_new_code()
    {
        using var project = new SeedProject(TestTargets.Looper, "gcc -DTHREADS=2 -DINTERVAL_US=2000 -pthread -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();
        var random = new Random(1234);

        for (int round = 0; round < 12; round++)
        {
            using var apply = System.Diagnostics.Process.Start(SutureCli.Path, ["apply", "-p", pid, project.PatchPath]);
            if (!apply.WaitForExit(random.Next(20, 400)))
            {
                apply.Kill();
                apply.WaitForExit();
            }

            int from = program.LineCount;
            program.WaitForLine(l => l == SeedProject.OldLine || l == SeedProject.NewLine, from);
            Assert.False(program.HasExited, $"target died after suture was killed in round {round}");
            string status = SutureCli.Succeed("status", "-p", pid).Stdout;
            if (status.Contains("1 patch(es) active", StringComparison.Ordinal))
            {
                program.WaitForSteady(SeedProject.NewLine, 10, from);
                SutureCli.Succeed("revert", "-p", pid);
            }
            else
            {
                program.WaitForSteady(SeedProject.OldLine, 10, from);
            }
        }
    }

    [Fact]
    public void A_process_with_coroutines_is_refused_unless_allowed()
    {
        using var project = new SeedProject(TestTargets.Coroutine, "gcc -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();

        ToolResult refused = SutureCli.Run("apply", "-p", pid, project.PatchPath);

        Assert.Equal((int)ExitCode.Unpatchable, refused.ExitCode);
        Assert.Contains("foo uses swapcontext", refused.Stderr);
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", pid).Stdout);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", pid, "--allow-coroutines", project.PatchPath);
        program.WaitForSteady(SeedProject.NewLine, 5, before);
    }

    [Fact]
    public void Threads_blocked_in_read_and_nanosleep_elsewhere_do_not_block_apply()
    {
        using var project = new SeedProject(TestTargets.Reader, "gcc -pthread -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), "--timeout", "2", project.PatchPath);
        program.WaitForSteady(SeedProject.NewLine, 5, before);
    }

    [Fact]
    public void Revert_is_refused_while_a_thread_runs_the_new_code()
    {
        using var project = new SeedProject(TestTargets.Reader, "gcc -pthread -o foo foo.c", SeedProject.NewCall + " while (spin) { }");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", pid, project.PatchPath);
        program.WaitForLine(l => l == SeedProject.NewLine, before);

        ToolResult refused = SutureCli.Run("revert", "-p", pid, "--timeout", "0.3");

        Assert.Equal((int)ExitCode.Busy, refused.ExitCode);
        Assert.Contains("i_m_being_patched in the new code of patch", refused.Stderr);
        Assert.Contains("level 1", SutureCli.Succeed("status", "-p", pid).Stdout);
    }

    [Fact]
    public void Status_check_shows_per_thread_which_one_blocks_a_pending_patch()
    {
        using var project = new SeedProject(TestTargets.Spinner, "gcc -pthread -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        string text = SutureCli.Succeed("status", "-p", program.Pid.ToString(), "--check", project.PatchPath).Stdout;
        string json = SutureCli.Succeed("status", "-p", program.Pid.ToString(), "--check", project.PatchPath, "--json").Stdout;

        Assert.Contains("1 of 2 would block", text);
        Assert.Matches(@"blocks +thread \d+ \(foo\) is in i_m_being_patched", text);
        Assert.Matches($@"free +thread {program.Pid} \(foo\)", text);
        Assert.Contains("\"blocks\": true", json);
        int now = program.LineCount;
        program.WaitForLine(l => l == "alive", now);
    }

    [Theory]
    [InlineData("gcc -pthread -o foo foo.c")]
    [InlineData("gcc -O2 -pthread -o foo foo.c")]
    public void A_function_that_calls_something_endless_stays_on_the_stack_and_apply_is_refused(string build)
    {
        using var project = new SeedProject(TestTargets.Endless, build);
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        program.WaitForLine(l => l == "alive");

        ToolResult result = SutureCli.Run("apply", "-p", program.Pid.ToString(), "--timeout", "0.5", project.PatchPath);

        Assert.Equal((int)ExitCode.Busy, result.ExitCode);
        Assert.Matches(@"thread \d+ \(foo\) is in i_m_being_patched \(frame \d+ of \d+", result.Stderr);
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", program.Pid.ToString()).Stdout);
        int now = program.LineCount;
        program.WaitForLine(l => l == "alive", now);
    }

    [Fact]
    public void A_function_below_a_signal_handler_that_never_returns_is_found_through_the_signal_frame()
    {
        using var project = new SeedProject(TestTargets.Handler, "gcc -O2 -pthread -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        ToolResult result = SutureCli.Run("apply", "-p", program.Pid.ToString(), "--timeout", "0.5", project.PatchPath);

        Assert.Equal((int)ExitCode.Busy, result.ExitCode);
        Assert.Contains("is in i_m_being_patched (frame", result.Stderr);
        int now = program.LineCount;
        program.WaitForLine(l => l == "alive", now);
    }

    [Fact]
    public void A_function_busy_for_two_seconds_is_patched_once_it_returns()
    {
        using var project = new SeedProject(TestTargets.Sleepy, "gcc -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), "--timeout", "20", project.PatchPath);

        int returned = program.WaitForLine(l => l == "returned from the long call");
        int patched = program.WaitForLine(l => l == SeedProject.NewLine);
        Assert.True(returned < patched, "the patch took effect while the function was still running");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Coroutines_declared_by_the_application_are_checked_like_threads(bool suspendedInside)
    {
        string build = suspendedInside ? "gcc -DYIELD_INSIDE -o foo foo.c" : "gcc -o foo foo.c";
        using var project = new SeedProject(TestTargets.Declared, build);
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();

        ToolResult result = SutureCli.Run("apply", "-p", pid, "--timeout", "0.5", project.PatchPath);

        if (suspendedInside)
        {
            Assert.Equal((int)ExitCode.Busy, result.ExitCode);
            Assert.Contains("coroutine 0 is in i_m_being_patched", result.Stderr);
        }
        else
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            program.WaitForSteady(SeedProject.NewLine, 3, program.LineCount);
        }
    }
}
