using Suture.Elf;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// Distribution binaries are stripped (<c>.dynsym</c> only): suture finds their static functions
/// through the rebuilt original (equal code at equal addresses) or their debug file found by Build
/// ID, and a check that cannot compare anything fails instead of passing.
/// </summary>
public sealed class StrippedTargetTests
{
    private const string Source = """
        #include <stdio.h>
        #include <unistd.h>

        static int offset = 1;

        __attribute__((noinline)) static int twice(int x) { return x * 2 + offset; }

        __attribute__((noinline)) static void report(int n) { printf("report %d\n", twice(n)); }

        static void (*volatile reporter)(int) = report;

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (int n = 0;; n++) {
                reporter(n % 3);
                usleep(20000);
            }
        }

        """;

    private const string Build = "gcc -O2 -o foo foo.c";

    [Fact]
    public void A_stripped_executable_is_patched_through_the_rebuilt_original()
    {
        using var project = new CProject("stripped", Build + " && strip foo", new Dictionary<string, string> { ["foo.c"] = Source });
        Assert.Empty(ElfFile.Load(project.Deployed("foo")).Symbols);
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "report 5");
        string diff = project.Fix("fix", ("foo.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("foo is stripped: located", built.Stderr);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "report fixed 5", before);
    }

    [Fact]
    public void The_debug_file_is_found_by_build_id()
    {
        using var project = new CProject("stripped-debug", Build + " && objcopy --only-keep-debug foo foo.debug && strip foo", new Dictionary<string, string> { ["foo.c"] = Source });
        string id = Convert.ToHexStringLower(ElfFile.ReadBuildId(project.Deployed("foo"))!);
        string debugRoot = project.File("debug");
        Directory.CreateDirectory(Path.Combine(debugRoot, ".build-id", id[..2]));
        File.Copy(project.Deployed("foo.debug"), Path.Combine(debugRoot, ".build-id", id[..2], id[2..] + ".debug"));
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "report 5");
        string diff = project.Fix("fix", ("foo.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatchWith(new Dictionary<string, string> { ["SUTURE_DEBUG_DIRS"] = debugRoot }, diff, Build, project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("symbols from its debug file " + debugRoot, built.Stderr);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "report fixed 5", before);
    }

    [Fact]
    public void A_debug_file_given_as_target_names_the_installed_binary_to_give()
    {
        using var project = new CProject("debug-target", Build + " && objcopy --only-keep-debug foo foo.debug", new Dictionary<string, string> { ["foo.c"] = Source });
        string diff = project.Fix("fix", ("foo.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo.debug"]);

        Assert.True(built.ExitCode == 2, built.ToString());
        Assert.Contains("is a separate debug file", built.Stderr);
        Assert.Contains("give the installed binary", built.Stderr);
    }

    [Fact]
    public void A_stripped_target_the_rebuild_does_not_reproduce_stops_the_build()
    {
        using var project = new CProject("stripped-other", "gcc -O1 -o foo foo.c && strip foo", new Dictionary<string, string> { ["foo.c"] = Source });
        string diff = project.Fix("fix", ("foo.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatch(diff, "gcc -O0 -o foo foo.c", project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 12, built.ToString());
        Assert.Contains("foo.c: report:", built.Stderr);
        Assert.False(File.Exists(project.File("foo.patch")));
    }

    [Fact]
    public void A_mismatch_names_the_options_that_differ_from_the_debug_file()
    {
        using var project = new CProject("stripped-why", "gcc -g -O1 -o foo foo.c && objcopy --only-keep-debug foo foo.debug && strip foo", new Dictionary<string, string> { ["foo.c"] = Source });
        string id = Convert.ToHexStringLower(ElfFile.ReadBuildId(project.Deployed("foo"))!);
        string debugRoot = project.File("debug");
        Directory.CreateDirectory(Path.Combine(debugRoot, ".build-id", id[..2]));
        File.Copy(project.Deployed("foo.debug"), Path.Combine(debugRoot, ".build-id", id[..2], id[2..] + ".debug"));
        string diff = project.Fix("fix", ("foo.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatchWith(new Dictionary<string, string> { ["SUTURE_DEBUG_DIRS"] = debugRoot }, diff, "gcc -O2 -o foo foo.c", project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 12, built.ToString());
        Assert.Contains("options (DW_AT_producer) only the target was built with: -O1; only the rebuild: -O2", built.Stderr);
    }
}
