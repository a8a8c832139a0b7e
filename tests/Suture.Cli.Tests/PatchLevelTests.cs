using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>Cumulative levels: each replaces the one below atomically; revert steps back down.</summary>
public sealed class PatchLevelTests
{
    private const string SecondOld = "second unpatched";
    private const string SecondNew = "second patched";
    private const string LevelTwo = "level two";

    [Fact]
    public void Level_1_then_2_then_revert_to_1_then_to_the_original()
    {
        using var project = new SeedProject(TestTargets.Levels, "gcc -o foo foo.c");
        string levelOne = project.OriginalSource
            .Replace("printf(\"i'm unpatched!\\n\");", SeedProject.NewCall, StringComparison.Ordinal)
            .Replace(SecondOld, SecondNew, StringComparison.Ordinal);
        string levelTwo = project.OriginalSource.Replace("i'm unpatched!", LevelTwo, StringComparison.Ordinal);
        string patchOne = Path.Combine(project.Root, "level1.patch");
        string patchTwo = Path.Combine(project.Root, "level2.patch");
        Assert.Equal(0, project.BuildPatchFrom(project.WriteDiff(levelOne, "level1.diff"), patchOne, "--id", "fix", "--level", "1").ExitCode);
        Assert.Equal(0, project.BuildPatchFrom(project.WriteDiff(levelTwo, "level2.diff"), patchTwo, "--id", "fix", "--level", "2").ExitCode);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SecondOld);
        string pid = program.Pid.ToString();

        int at = Step(program, () => SutureCli.Succeed("apply", "-p", pid, patchOne), SeedProject.NewLine, SecondNew, program.LineCount);
        at = Step(program, () => SutureCli.Succeed("apply", "-p", pid, patchTwo), LevelTwo, SecondOld, at);
        string status = SutureCli.Succeed("status", "-p", pid).Stdout;
        Assert.Contains("fix level 2", status);
        Assert.Contains("superseded", status);

        ToolResult downgrade = SutureCli.Run("apply", "-p", pid, patchOne);
        Assert.Equal((int)ExitCode.AlreadyApplied, downgrade.ExitCode);
        Assert.Contains("is not newer", downgrade.Stderr);

        string toOne = "";
        at = Step(program, () => toOne = SutureCli.Succeed("revert", "-p", pid).Stdout, SeedProject.NewLine, SecondNew, at);
        Assert.Contains("i_m_being_patched", toOne);
        Assert.Contains("run level 1 (fix) again", toOne);
        Assert.DoesNotContain("original code", toOne);
        string toOriginal = "";
        Step(program, () => toOriginal = SutureCli.Succeed("revert", "-p", pid).Stdout, SeedProject.OldLine, SecondOld, at);
        Assert.Contains("original code again", toOriginal);
        Assert.Equal((int)ExitCode.NothingToRevert, SutureCli.Run("revert", "-p", pid).ExitCode);
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{program.Pid}/maps"));
    }

    [Fact]
    public void Levels_that_differ_only_in_a_string_get_different_default_ids()
    {
        using var project = new SeedProject(TestTargets.Levels, "gcc -o foo foo.c");
        string patchOne = Path.Combine(project.Root, "one.patch");
        string patchTwo = Path.Combine(project.Root, "two.patch");
        Assert.Equal(0, project.BuildPatchFrom(project.WriteDiff(project.OriginalSource.Replace("i'm unpatched!", "fixed, A", StringComparison.Ordinal), "one.diff"), patchOne, "--level", "1").ExitCode);
        Assert.Equal(0, project.BuildPatchFrom(project.WriteDiff(project.OriginalSource.Replace("i'm unpatched!", "fixed, B", StringComparison.Ordinal), "two.diff"), patchTwo, "--level", "2").ExitCode);

        string one = IdOf(patchOne);
        string two = IdOf(patchTwo);

        Assert.StartsWith("foo-", one);
        Assert.NotEqual(one, two);
    }

    private static string IdOf(string patch) =>
        SutureCli.Succeed("inspect", patch).Stdout.Split('\n').First(l => l.StartsWith("patch:", StringComparison.Ordinal))["patch:".Length..].Trim();

    /// <summary>Runs <paramref name="action"/> and waits until the program prints the two lines, alternating, several times.</summary>
    private static int Step(RunningProgram program, Action action, string first, string second, int from)
    {
        action();
        int end = program.WaitForLine(_ => true, from);
        for (int pairs = 0; pairs < 5;)
        {
            int a = program.WaitForLine(_ => true, end);
            int b = program.WaitForLine(_ => true, a + 1);
            IReadOnlyList<string> lines = program.Lines(a);
            pairs = lines[0] == first && lines[1] == second ? pairs + 1 : 0;
            end = b + 1;
        }

        return end;
    }
}
