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
        using var project = SeedProject.WithPatch(TestTargets.Resident, build);
        using RunningProgram program = project.StartUntil();
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
    public void An_exception_thrown_through_a_watched_frame_still_reaches_its_handler()
    {
        // The stubs' unwind table is registered with the process's unwinder: an exception leaving
        // the function while its return is watched passes the stub and is caught by the caller.
        using var project = SeedProject.WithPatch(TestTargets.Resident, "g++ -x c++ -DTHROW -pthread -o foo foo.c");
        using RunningProgram program = project.StartUntil("caught");
        string pid = program.Pid.ToString();

        for (int round = 0; round < 3; round++)
        {
            ToolResult applied = SutureCli.Run("apply", "-p", pid, "--timeout", "10", project.PatchPath);
            Assert.True(applied.ExitCode == 0, applied.ToString());
            program.WaitForLine(l => l == SeedProject.NewLine, program.LineCount);
            ToolResult reverted = SutureCli.Run("revert", "-p", pid, "--timeout", "10");
            Assert.True(reverted.ExitCode == 0, reverted.ToString());
            int from = program.LineCount;
            program.WaitForLine(l => l == SeedProject.OldLine, from);
            program.WaitForLine(l => l == "caught", from);
        }

        Assert.False(program.HasExited);
    }

    [Fact]
    public void A_thread_that_never_returns_is_still_refused_after_the_timeout_and_returns_normally_later()
    {
        using var project = SeedProject.WithPatch(TestTargets.Resident, "gcc -DSTUCK -pthread -o foo foo.c");
        using RunningProgram program = project.StartUntil();
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

    [Fact]
    public void Suture_killed_while_a_return_is_watched_leaves_a_thread_that_returns_normally_later()
    {
        using var project = SeedProject.WithPatch(TestTargets.Resident, "gcc -DSTUCK -pthread -o foo foo.c");
        using RunningProgram program = project.StartUntil();
        program.WaitForLine(l => l == "alive");
        string pid = program.Pid.ToString();

        using var apply = System.Diagnostics.Process.Start(SutureCli.Path, ["apply", "-p", pid, "--timeout", "60", project.PatchPath]);
        try
        {
            // Armed: some stack of the target holds the address of the first stub.
            Wait.Until(
                () =>
                {
                    if (StackHoldsFirstStub(program.Pid))
                    {
                        return true;
                    }

                    Assert.False(apply.HasExited, "apply ended before watching the worker");
                    return false;
                },
                TimeSpan.FromSeconds(30),
                "watching the worker's return");
        }
        finally
        {
            apply.Kill();
            apply.WaitForExit();
        }

        // Nobody puts the return address back now: the worker returns through its stub, which
        // parks it for at most a second and goes on into its caller.
        Assert.Equal(0, Tool.Run("kill", ["-USR1", pid]).ExitCode);
        program.WaitForLine(l => l == "released", timeout: TimeSpan.FromSeconds(20));
        program.WaitForLine(l => l == "alive", program.LineCount);
        Assert.False(program.HasExited);
        // The killed apply's loaded code runs nowhere; gc (or the next apply) removes it.
        Assert.Contains("0 patch(es) active", SutureCli.Succeed("status", "-p", pid).Stdout);
        SutureCli.Succeed("gc", "-p", pid);
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", pid).Stdout);
    }

    /// <summary>True when an anonymous read-write mapping (the thread stacks) holds the address of the first stub of a stub page.</summary>
    private static bool StackHoldsFirstStub(int pid)
    {
        string[] maps = File.ReadAllLines($"/proc/{pid}/maps");
        var stubs = new List<ulong>();
        for (int i = 0; i + 1 < maps.Length; i++)
        {
            if (AnonymousCode().IsMatch(maps[i]) && maps[i + 1].Contains(" rw-p ", StringComparison.Ordinal))
            {
                (ulong start, ulong end) = Range(maps[i]);
                if (end - start == 4096 && Range(maps[i + 1]).Start == end)
                {
                    stubs.Add(start + 64);
                }
            }
        }

        if (stubs.Count == 0)
        {
            return false;
        }

        using var memory = new FileStream($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read);
        foreach (string line in maps.Where(l => l.Contains(" rw-p 00000000 00:00 0", StringComparison.Ordinal)))
        {
            (ulong start, ulong end) = Range(line);
            if (end - start > 16 << 20)
            {
                continue;
            }

            byte[] bytes = new byte[end - start];
            memory.Seek((long)start, SeekOrigin.Begin);
            if (memory.Read(bytes) != bytes.Length)
            {
                continue;
            }

            for (int at = 0; at + 8 <= bytes.Length; at += 8)
            {
                if (stubs.Contains(BitConverter.ToUInt64(bytes, at)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static (ulong Start, ulong End) Range(string line)
    {
        string[] bounds = line[..line.IndexOf(' ', StringComparison.Ordinal)].Split('-');
        return (Convert.ToUInt64(bounds[0], 16), Convert.ToUInt64(bounds[1], 16));
    }

    /// <summary>Executable mappings backed by no file (the stub page is one while a watch runs).</summary>
    private static int AnonymousCodePages(int pid) =>
        File.ReadAllLines($"/proc/{pid}/maps").Count(l => AnonymousCode().IsMatch(l));

    [GeneratedRegex(@"^[0-9a-f]+-[0-9a-f]+ r-xp [0-9a-f]+ 00:00 0\s*$")]
    private static partial Regex AnonymousCode();
}
