using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// The patched tree is made from the built original: only the compiler runs that read a file the
/// fix changes (directly, through a header, or through a copy the build made of it) run again.
/// </summary>
public sealed class IncrementalBuildTests
{
    private const string Build = "mkdir -p out && cp gen/copy.c out/copy.c && gcc -O2 -c a.c -o a.o && gcc -O2 -c b.c -o b.o"
        + " && gcc -O2 -c out/copy.c -o copy.o && gcc -o prog a.o b.o copy.o";

    private static readonly Dictionary<string, string> Sources = new()
    {
        ["defs.h"] = "#define LIMIT 10\n",
        ["a.c"] = "#include <stdio.h>\nint limit(void);\nint copied(void);\nint main(void) { printf(\"%d %d\\n\", limit(), copied()); return 0; }\n",
        ["b.c"] = "#include \"defs.h\"\nint limit(void) { return LIMIT; }\n",
        ["gen/copy.c"] = "int copied(void) { return 1; }\n",
        ["build.mk"] = "# not used\n",
    };

    [Fact]
    public void Only_the_compiles_that_read_a_fixed_file_run_again_in_the_patched_tree()
    {
        using var project = new CProject("incremental", Build, Sources);
        string diff = project.Fix("fix", ("defs.h", "10", "20"), ("gen/copy.c", "return 1;", "return 2;"));

        ToolResult built = project.BuildPatch(diff, Build, project.File("p.patch"), ["prog"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        string output = built.Stderr + built.Stdout;
        Assert.Contains("the build copied gen/copy.c to out/copy.c: the fix goes into the copy too", output);
        Assert.Contains("built the patched tree incrementally: 2 of the original's 3 compiler run(s) read what the fix changes and ran again", output);
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal(["copied", "limit"], json.RootElement.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("symbol").GetString()).Order(StringComparer.Ordinal));
        string commands = json.RootElement.GetProperty("buildCommand").GetString()!;
        Assert.Contains("b.o: gcc -O2 -c b.c -o b.o", commands);
        Assert.Contains("copy.o: gcc -O2 -c out/copy.c -o copy.o", commands);
    }

    /// <summary>A file besides code that the build reads (here a build setting it prints) may change the build: the patched tree is built in full.</summary>
    [Fact]
    public void A_fix_that_changes_more_than_code_builds_the_patched_tree_in_full_when_the_build_reads_it()
    {
        const string reading = "cat build.mk && " + Build;
        using var project = new CProject("incremental-full", reading, Sources);
        string diff = project.Fix("fix", ("b.c", "return LIMIT;", "return LIMIT + 1;"), ("build.mk", "not used", "still not used"));

        ToolResult built = project.BuildPatch(diff, reading, project.File("p.patch"), ["prog"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        string output = built.Stderr + built.Stdout;
        Assert.Contains("the fix changes build.mk, which is not C or C++ code (it may change the build itself)", output);
        Assert.Contains("the build of the original tree read build.mk, which the fix changes: building the patched tree in full", output);
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal("limit", Assert.Single(json.RootElement.GetProperty("functions").EnumerateArray()).GetProperty("symbol").GetString());
    }

    /// <summary>
    /// A file besides code that the build never reads (jq's fix also changes its test suite's
    /// <c>tests/jq.test</c>) cannot change what it builds: the patched tree is still built incrementally.
    /// </summary>
    [Fact]
    public void A_fix_that_also_changes_a_file_the_build_never_reads_is_built_incrementally()
    {
        using var project = new CProject("incremental-unread", Build, Sources);
        string diff = project.Fix("fix", ("b.c", "return LIMIT;", "return LIMIT + 1;"), ("build.mk", "not used", "still not used"));

        ToolResult built = project.BuildPatch(diff, Build, project.File("p.patch"), ["prog"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        string output = built.Stderr + built.Stdout;
        Assert.Contains("the build of the original tree never read build.mk", output);
        Assert.Contains("built the patched tree incrementally: 1 of the original's 3 compiler run(s)", output);
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal("limit", Assert.Single(json.RootElement.GetProperty("functions").EnumerateArray()).GetProperty("symbol").GetString());
    }
}
