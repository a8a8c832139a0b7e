using System.Globalization;
using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// suture SIGKILLed on entry to each of its writes into the target (strace fault injection on
/// pwrite64: the signal frame, the memfd name, the record, the code, the jumps) during apply,
/// level replace and revert. After every kill the target still runs one consistent level, and
/// status, gc, apply and revert all work: the records follow what the entries hold, and
/// nothing suture mapped or opened is left behind.
/// </summary>
public sealed class KillPointTests
{
    private const string SecondOld = "second unpatched";
    private const string SecondNew = "second patched";
    private const string LevelTwo = "level two";

    public enum Scenario
    {
        ApplyLevelOne,
        ReplaceLevelOneByTwo,
        RevertLevelTwoToOne,
        RevertLevelOne,
    }

    [Theory]
    [InlineData(Scenario.ApplyLevelOne)]
    [InlineData(Scenario.ReplaceLevelOneByTwo)]
    [InlineData(Scenario.RevertLevelTwoToOne)]
    [InlineData(Scenario.RevertLevelOne)]
    public void A_kill_at_any_write_leaves_a_process_that_every_later_command_manages(Scenario scenario)
    {
        using var levels = new LevelsTarget();
        using RunningProgram program = levels.Project.Start();
        program.WaitForLine(l => l == SecondOld);
        string pid = program.Pid.ToString(CultureInfo.InvariantCulture);
        (int before, string[] operation) = scenario switch
        {
            Scenario.ApplyLevelOne => (0, new[] { "apply", "-p", pid, levels.One }),
            Scenario.ReplaceLevelOneByTwo => (1, ["apply", "-p", pid, levels.Two]),
            Scenario.RevertLevelTwoToOne => (2, ["revert", "-p", pid]),
            _ => (1, ["revert", "-p", pid]),
        };

        levels.Reach(program, before);
        (ToolResult clean, int writes) = Writes(operation);
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.True(writes >= 3, $"only {writes} writes");
        for (int n = 1; n <= writes; n++)
        {
            levels.Reach(program, before);
            AssertKilledOrNeverReached(n, operation);

            // status reads the state without failing: when the records are consistent, the
            // entries run the level it names; otherwise it says so (a switch killed half-way
            // runs a mix until the next run backs it out).
            Assert.Equal(0, SutureCli.Run("status", "-p", pid).ExitCode);
            int running = ActiveLevel(SutureCli.Succeed("status", "-p", pid, "--json").Stdout, out bool settled);
            if (settled)
            {
                LevelsTarget.WaitFor(program, running);
            }

            ToolResult gc = SutureCli.Succeed("gc", "-p", pid);
            Assert.Equal(running, ActiveLevel(SutureCli.Succeed("status", "-p", pid, "--json").Stdout, out bool consistent));
            Assert.True(consistent, $"after the kill at write {n} of {writes} and gc:\n{gc.Stdout}\n{SutureCli.Run("status", "-p", pid).Stdout}");
            LevelsTarget.WaitFor(program, running);
            Assert.Equal(running == 0 ? 0 : 1, SuturePatchCount(program.Pid) > 0 ? 1 : 0);
            Assert.Equal(0, SutureDescriptors(program.Pid));
            Assert.False(program.HasExited);
        }

        levels.Reach(program, 2);
        levels.Reach(program, 0);
        Assert.Equal(0, SuturePatchCount(program.Pid));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_kill_at_any_write_around_the_unwind_table_registration_never_crashes_the_process(bool revert)
    {
        using var project = new MakeProject("exceptions");
        string patch = project.BuildPatch("main.cpp", "std::printf(\"i'm unpatched!\\n\");", "std::printf(\"you patched my tralala\\n\");", "foo", "cpp-fix");
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "caught even");
        string pid = program.Pid.ToString(CultureInfo.InvariantCulture);
        string[] operation = revert ? ["revert", "-p", pid] : ["apply", "-p", pid, patch];
        if (revert)
        {
            SutureCli.Succeed("apply", "-p", pid, patch);
        }

        (ToolResult clean, int writes) = Writes(operation);
        Assert.True(clean.ExitCode == 0, clean.ToString());
        if (!revert)
        {
            // Every killed apply starts from the original code, as the counted one did.
            SutureCli.Succeed("revert", "-p", pid);
        }

        var kept = new List<int>();
        for (int n = 1; n <= writes; n++)
        {
            if (revert)
            {
                SutureCli.Succeed("apply", "-p", pid, patch);
            }

            AssertKilledOrNeverReached(n, operation);
            ToolResult gc = SutureCli.Succeed("gc", "-p", pid);
            if (SuturePatchCount(program.Pid) > ActiveLevelCount(pid) + kept.Count)
            {
                kept.Add(n);
            }

            int running = ActiveLevel(SutureCli.Succeed("status", "-p", pid, "--json").Stdout, out bool consistent);
            Assert.True(consistent, $"after the kill at write {n} of {writes} and gc:\n{gc.Stdout}\n{SutureCli.Run("status", "-p", pid).Stdout}");

            // Exceptions keep passing through whichever code runs, after the repair and after a revert.
            string line = running == 0 ? SeedProject.OldLine : SeedProject.NewLine;
            int seen = program.WaitForLine(l => l == line, program.LineCount);
            program.WaitForLine(l => l == "caught even", seen);
            if (running > 0)
            {
                SutureCli.Succeed("revert", "-p", pid);
            }

            int back = program.WaitForLine(l => l == SeedProject.OldLine, program.LineCount);
            program.WaitForLine(l => l == "caught even", back);
            Assert.False(program.HasExited);
        }

        // Only a kill inside the deregistration call (its two writes: the call's return address, the
        // record after it) leaves memory mapped for good, since whether it ran cannot be told.
        Assert.True(kept.Count <= (revert ? 2 : 0), $"kills at writes {string.Join(", ", kept)} of {writes} left memory mapped:\n{SutureCli.Run("status", "-p", pid).Stdout}");
    }

    [Fact]
    public void A_kill_between_the_record_and_the_jump_is_repaired_by_the_next_revert_and_apply()
    {
        using var levels = new LevelsTarget();
        using RunningProgram program = levels.Project.Start();
        program.WaitForLine(l => l == SecondOld);
        string pid = program.Pid.ToString(CultureInfo.InvariantCulture);
        (ToolResult clean, int writes) = Writes("apply", "-p", pid, levels.One);
        Assert.Equal(0, clean.ExitCode);
        levels.Reach(program, 0);

        // The last two writes are the jumps: killed at the first, the record says active.
        Assert.NotEqual(0, KillAtWrite(writes - 1, "apply", "-p", pid, levels.One).ExitCode);
        LevelsTarget.WaitFor(program, 0);
        string status = SutureCli.Succeed("status", "-p", pid).Stdout;
        Assert.Contains("inconsistent", status);
        Assert.Contains("0 patch(es) active", status);

        ToolResult revert = SutureCli.Run("revert", "-p", pid);
        Assert.Equal((int)ExitCode.NothingToRevert, revert.ExitCode);
        SutureCli.Succeed("apply", "-p", pid, levels.One);
        LevelsTarget.WaitFor(program, 1);
        SutureCli.Succeed("apply", "-p", pid, levels.Two);
        LevelsTarget.WaitFor(program, 2);
        Assert.Equal(2, SuturePatchCount(program.Pid));
    }

    [Fact]
    public async Task Two_concurrent_applies_leave_one_patch_and_nothing_else()
    {
        using var levels = new LevelsTarget();
        using RunningProgram program = levels.Project.Start();
        program.WaitForLine(l => l == SecondOld);
        string pid = program.Pid.ToString(CultureInfo.InvariantCulture);
        for (int round = 0; round < 3; round++)
        {
            Task<ToolResult>[] racing = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(() => SutureCli.Run("apply", "-p", pid, levels.One)))];
            ToolResult[] results = await Task.WhenAll(racing);
            Assert.Equal(1, results.Count(r => r.ExitCode == 0));
            Assert.All(results.Where(r => r.ExitCode != 0), r => Assert.True(r.ExitCode == (int)ExitCode.AlreadyApplied, r.ToString()));
            LevelsTarget.WaitFor(program, 1);
            Assert.Equal(1, SuturePatchCount(program.Pid));
            Assert.Equal(0, SutureDescriptors(program.Pid));
            SutureCli.Succeed("revert", "-p", pid);
            Assert.Equal(0, SuturePatchCount(program.Pid));
        }
    }

    [Fact]
    public void A_record_that_does_not_decode_is_reported_and_its_memory_kept()
    {
        using var levels = new LevelsTarget();
        using RunningProgram program = levels.Project.Start();
        program.WaitForLine(l => l == SecondOld);
        string pid = program.Pid.ToString(CultureInfo.InvariantCulture);
        SutureCli.Succeed("apply", "-p", pid, levels.One);
        LevelsTarget.WaitFor(program, 1);

        // A record from a future suture: format version 99.
        ulong record = File.ReadLines($"/proc/{pid}/maps")
            .Where(l => l.Contains("/memfd:suture:", StringComparison.Ordinal) && l.Contains(" r--p ", StringComparison.Ordinal))
            .Select(l => ulong.Parse(l[..l.IndexOf('-', StringComparison.Ordinal)], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Single();
        byte[] version = WriteTarget(program.Pid, record + 8, BitConverter.GetBytes(99u));

        ToolResult status = SutureCli.Succeed("status", "-p", pid);
        Assert.DoesNotContain("no patches applied", status.Stdout);
        Assert.Contains("unreadable suture memory fix", status.Stdout);
        Assert.Contains("format version 99", status.Stdout);
        using (JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("status", "-p", pid, "--json").Stdout))
        {
            Assert.False(json.RootElement.GetProperty("consistent").GetBoolean());
            Assert.Equal(1, json.RootElement.GetProperty("unreadable").GetArrayLength());
        }

        Assert.Contains("kept", SutureCli.Succeed("gc", "-p", pid).Stdout);
        Assert.Equal(1, SuturePatchCount(program.Pid));
        LevelsTarget.WaitFor(program, 1);

        WriteTarget(program.Pid, record + 8, version);
        SutureCli.Succeed("revert", "-p", pid);
        LevelsTarget.WaitFor(program, 0);
        Assert.Equal(0, SuturePatchCount(program.Pid));
    }

    /// <summary>Runs suture to completion; returns its result and how many pwrite64 calls it made.</summary>
    private static (ToolResult Result, int Writes) Writes(params string[] arguments)
    {
        (ToolResult result, IReadOnlyList<string> calls) = Strace.Trace("pwrite64", arguments);
        return (result, calls.Count);
    }

    /// <summary>Runs suture and SIGKILLs it on entry to its <paramref name="n"/>-th pwrite64 (that write never happens).</summary>
    private static ToolResult KillAtWrite(int n, params string[] arguments) =>
        Strace.RunInjecting("pwrite64", $"pwrite64:signal=KILL:when={n}", arguments);

    /// <summary>
    /// <see cref="KillAtWrite"/>, checked: the number of writes is not the same in every run (CI saw a run
    /// finish with fewer than the counted run made), so a run that finished with fewer than n writes never met the kill:
    /// it must then have succeeded; a run that reached write n must have been killed.
    /// </summary>
    private static void AssertKilledOrNeverReached(int n, params string[] arguments)
    {
        (ToolResult result, int entered) = Strace.TraceInjecting("pwrite64", $"pwrite64:signal=KILL:when={n}", arguments);
        if (entered >= n)
        {
            Assert.True(result.ExitCode != 0, $"suture reached write {n} and was not killed:\n{result}");
        }
        else
        {
            Assert.True(result.ExitCode == 0, $"suture made {entered} writes, fewer than {n}, and failed:\n{result}");
        }
    }

    /// <summary>The level the entries run per status --json (0: none), and whether the records say so.</summary>
    private static int ActiveLevel(string json, out bool consistent)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        consistent = document.RootElement.GetProperty("consistent").GetBoolean();
        return document.RootElement.GetProperty("patches").EnumerateArray()
            .Where(p => p.GetProperty("active").GetBoolean())
            .Select(p => p.GetProperty("level").GetInt32())
            .SingleOrDefault();
    }

    private static int ActiveLevelCount(string pid) => ActiveLevel(SutureCli.Succeed("status", "-p", pid, "--json").Stdout, out _) > 0 ? 1 : 0;

    /// <summary>How many suture memfds the process maps.</summary>
    private static int SuturePatchCount(int pid) => File.ReadLines($"/proc/{pid}/maps")
        .Where(l => l.Contains("/memfd:suture:", StringComparison.Ordinal))
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4])
        .Distinct()
        .Count();

    private static int SutureDescriptors(int pid) => new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos()
        .Count(f => f.LinkTarget?.StartsWith("/memfd:suture:", StringComparison.Ordinal) == true);

    /// <summary>Writes bytes into the target's memory (as a debugger would); returns what was there.</summary>
    private static byte[] WriteTarget(int pid, ulong address, byte[] bytes)
    {
        using var memory = new FileStream($"/proc/{pid}/mem", FileMode.Open, FileAccess.ReadWrite);
        byte[] old = new byte[bytes.Length];
        memory.Seek((long)address, SeekOrigin.Begin);
        memory.ReadExactly(old);
        memory.Seek((long)address, SeekOrigin.Begin);
        memory.Write(bytes);
        return old;
    }

    /// <summary>TestTargets/levels.c with a level-1 patch (both functions) and a level-2 patch (the first only).</summary>
    private sealed class LevelsTarget : IDisposable
    {
        public LevelsTarget()
        {
            Project = new SeedProject(TestTargets.Levels, "gcc -o foo foo.c");
            string levelOne = Project.OriginalSource
                .Replace("printf(\"i'm unpatched!\\n\");", SeedProject.NewCall, StringComparison.Ordinal)
                .Replace(SecondOld, SecondNew, StringComparison.Ordinal);
            string levelTwo = Project.OriginalSource.Replace("i'm unpatched!", LevelTwo, StringComparison.Ordinal);
            One = Path.Combine(Project.Root, "level1.patch");
            Two = Path.Combine(Project.Root, "level2.patch");
            Assert.Equal(0, Project.BuildPatchFrom(Project.WriteDiff(levelOne, "level1.diff"), One, "--id", "fix", "--level", "1").ExitCode);
            Assert.Equal(0, Project.BuildPatchFrom(Project.WriteDiff(levelTwo, "level2.diff"), Two, "--id", "fix", "--level", "2").ExitCode);
        }

        public SeedProject Project { get; }

        public string One { get; }

        public string Two { get; }

        /// <summary>Reverts or applies until the process runs <paramref name="level"/> (0: the original), and waits until it prints so.</summary>
        public void Reach(RunningProgram program, int level)
        {
            string pid = program.Pid.ToString(CultureInfo.InvariantCulture);
            int current = ActiveLevel(SutureCli.Succeed("status", "-p", pid, "--json").Stdout, out _);
            while (current > level)
            {
                SutureCli.Succeed("revert", "-p", pid);
                current = ActiveLevel(SutureCli.Succeed("status", "-p", pid, "--json").Stdout, out _);
            }

            for (int next = current + 1; next <= level; next++)
            {
                SutureCli.Succeed("apply", "-p", pid, next == 1 ? One : Two);
            }

            WaitFor(program, level);
        }

        /// <summary>Waits until the program prints the two lines of <paramref name="level"/> several times in a row.</summary>
        public static void WaitFor(RunningProgram program, int level)
        {
            (string first, string second) = level switch
            {
                0 => (SeedProject.OldLine, SecondOld),
                1 => (SeedProject.NewLine, SecondNew),
                _ => (LevelTwo, SecondOld),
            };
            int end = program.LineCount;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int pairs = 0; pairs < 3;)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"process {program.Pid} did not settle on level {level}; last lines:\n{string.Join('\n', program.Lines().TakeLast(10))}");
                int a = program.WaitForLine(l => l == first, end);
                IReadOnlyList<string> lines = program.Lines(a);
                if (lines.Count < 2)
                {
                    end = a;
                    program.WaitForLine(_ => true, a + 1);
                    continue;
                }

                pairs = lines[1] == second ? pairs + 1 : 0;
                end = a + 2;
            }
        }

        public void Dispose() => Project.Dispose();
    }
}
