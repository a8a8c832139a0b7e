using Suture.Contracts;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>The seed example built, patched live, checked, reverted, with several compilers flags.</summary>
public sealed class SeedEndToEndTests
{
    [Theory]
    [InlineData("gcc -o foo foo.c", 1)]
    [InlineData("gcc -no-pie -o foo foo.c", 1)]
    [InlineData("gcc -fcf-protection=full -o foo foo.c", 1)]
    [InlineData("gcc -DTHREADS=4 -pthread -o foo foo.c", 4)]
    public void Apply_status_revert_change_what_the_running_process_prints(string build, int threads)
    {
        using var project = new SeedProject(TestTargets.Looper, build);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        ToolResult built = project.BuildPatch("--id", "seed-fix", "--cve", "CVE-2026-0001", "--description", "tralala");
        Assert.True(built.ExitCode == 0, built.ToString());
        ToolResult inspect = SutureCli.Succeed("inspect", project.PatchPath, "--json");
        Assert.Contains("\"i_m_being_patched\"", inspect.Stdout);
        Assert.Contains("\"CVE-2026-0001\"", inspect.Stdout);
        Assert.Equal("seed-fix", JsonContractTests.AssertReadsBack(inspect.Stdout, SutureJsonContext.Default.InspectResult).Id);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.PatchPath);
        int patched = program.WaitForSteady(SeedProject.NewLine, 4 * threads, before);

        ToolResult status = SutureCli.Succeed("status", "-p", program.Pid.ToString(), "--json");
        Assert.Contains("\"seed-fix\"", status.Stdout);
        Assert.Contains("\"CVE-2026-0001\"", status.Stdout);
        Assert.Contains("\"i_m_being_patched\"", status.Stdout);
        Assert.Equal("seed-fix", Assert.Single(JsonContractTests.AssertReadsBack(status.Stdout, SutureJsonContext.Default.StatusResult).Patches).Id);
        Assert.Contains("seed-fix level 1", SutureCli.Succeed("status", "-p", program.Pid.ToString()).Stdout);

        SutureCli.Succeed("revert", "-p", program.Pid.ToString());
        program.WaitForSteady(SeedProject.OldLine, 4 * threads, patched);
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", program.Pid.ToString()).Stdout);
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{program.Pid}/maps"));

        Assert.Equal(project.BinarySha256, project.HashBinary());
        using RunningProgram fresh = project.Start();
        Assert.Equal(0, fresh.WaitForLine(_ => true));
        Assert.Equal(SeedProject.OldLine, fresh.Lines()[0]);
    }

    [Fact]
    public void The_seed_example_from_the_readme_patches_live()
    {
        using var project = new SeedProject(TestTargets.Seed, "gcc -o foo foo.c");
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        SutureCli.Succeed("build", "--source", Path.GetDirectoryName(TestTargets.Seed)!, "--patch", TestTargets.SeedDiff,
            "--build", "gcc -o foo foo.c", "--target", project.Binary, "-o", project.PatchPath);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.PatchPath);
        int patched = program.WaitForLine(l => l == SeedProject.NewLine, before);
        SutureCli.Succeed("revert", "-p", program.Pid.ToString());
        program.WaitForLine(l => l == SeedProject.OldLine, patched + 1);
        Assert.Equal(project.BinarySha256, project.HashBinary());
    }

    [Fact]
    public void At_O2_the_function_inlined_into_main_is_refused_with_the_reason()
    {
        using var project = new SeedProject(TestTargets.Seed, "gcc -O2 -o foo foo.c");
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        ToolResult built = project.BuildPatch();

        Assert.Equal((int)ExitCode.Unpatchable, built.ExitCode);
        Assert.Contains("i_m_being_patched is inlined into it", built.Stderr);
        Assert.Contains("never returns", built.Stderr);
        Assert.False(File.Exists(project.PatchPath));
        int now = program.LineCount;
        program.WaitForLine(l => l == SeedProject.OldLine, now);
    }
}
