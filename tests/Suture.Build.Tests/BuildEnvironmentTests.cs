using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>The rebuilt original must be the code the deployed binary runs; a different build environment is caught.</summary>
public sealed class BuildEnvironmentTests
{
    private const string Source = """
        #include <stdio.h>
        #include <unistd.h>

        __attribute__((noinline)) int twice(int x) { return x * 2; }

        __attribute__((noinline)) void report(int n) { printf("report %d\n", twice(n)); }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (int n = 0;; n++) {
                report(n % 3);
                usleep(20000);
            }
        }

        """;

    [Fact]
    public void A_deployed_binary_built_with_other_flags_stops_the_build_naming_the_functions()
    {
        using var project = new CProject("env", "gcc -O1 -o foo foo.c", new Dictionary<string, string> { ["foo.c"] = Source });
        string diff = project.Fix("fix", ("foo.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatch(diff, "gcc -O0 -o foo foo.c", project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 12, built.ToString());
        Assert.Contains("does not match the deployed", built.Stderr);
        Assert.Contains("foo.c: twice:", built.Stderr);
        Assert.Contains("--ignore-build-mismatch", built.Stderr);
        Assert.False(File.Exists(project.File("foo.patch")));
    }

    /// <summary>
    /// The deployed libt.so is another library: none of the rebuilt functions is in it, so the
    /// check compares nothing, which is no evidence of a match (it used to pass).
    /// </summary>
    [Fact]
    public void A_check_that_finds_none_of_the_rebuilt_functions_in_the_target_fails_instead_of_passing()
    {
        const string build = "gcc -O2 -fPIC -shared -o libt.so t.c";
        var sources = new Dictionary<string, string>
        {
            ["t.c"] = "__attribute__((noinline)) int get(int x) { return x * 3; }\n",
            ["other.c"] = "__attribute__((noinline)) int other(int x) { return x + 7; }\n",
        };
        using var project = new CProject("env-nothing", "gcc -O2 -fPIC -shared -o libt.so other.c", sources);
        string diff = project.Fix("fix", ("t.c", "x * 3", "x * 4"));

        ToolResult built = project.BuildPatch(diff, build, project.File("t.patch"), ["libt.so"]);

        Assert.True(built.ExitCode == 12, built.ToString());
        Assert.Contains("the build-environment check found none of the 1 function(s) of the rebuilt", built.Stderr);
        Assert.Contains("so it compared nothing", built.Stderr);
        Assert.False(File.Exists(project.File("t.patch")));
    }

    [Fact]
    public void Ignore_build_mismatch_builds_and_records_the_override()
    {
        using var project = new CProject("env", "gcc -O1 -o foo foo.c", new Dictionary<string, string> { ["foo.c"] = Source });
        string diff = project.Fix("fix", ("foo.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatch(diff, "gcc -O0 -o foo foo.c", project.File("foo.patch"), ["foo"], "--ignore-build-mismatch");

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("ignore-build-mismatch", SutureCli.Succeed("inspect", project.File("foo.patch"), "--json").Stdout);
    }

    [Fact]
    public void The_same_flags_pass_the_check_even_when_code_reads_data_of_other_objects()
    {
        const string build = "gcc -O2 -o foo foo.c";
        using var project = new CProject("env-same", build, new Dictionary<string, string> { ["foo.c"] = Source.Replace("printf(\"report %d\\n\", twice(n));", "fprintf(stdout, \"report %d\\n\", twice(n));", StringComparison.Ordinal) });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "report 2");
        string diff = project.Fix("fix", ("foo.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatch(diff, build, project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.DoesNotContain("ignore-build-mismatch", SutureCli.Succeed("inspect", project.File("foo.patch")).Stdout);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "report fixed 2", before);
    }

    [Fact]
    public void Weak_copies_the_linker_discarded_are_no_difference()
    {
        // Each object carries its own copy of a weak (in C++: COMDAT inline) function and the
        // linker keeps the first; libheif's copies of std::_Sp_counted_base::_M_release differ
        // per object (each devirtualises with the types it sees), so comparing every copy with
        // the deployed one stopped the build with 14 false differences.
        const string build = "gcc -O2 -o foo a.c b.c";
        using var project = new CProject("env-weak", build, new Dictionary<string, string>
        {
            ["a.c"] = """
                #include <stdio.h>
                #include <unistd.h>

                __attribute__((weak, noinline)) int scale(int x) { return x * 3; }
                int other(int x);

                __attribute__((noinline)) void report(int n) { printf("report %d\n", scale(n) + other(n)); }

                int main(void)
                {
                    setvbuf(stdout, NULL, _IOLBF, 0);
                    for (int n = 0;; n++) {
                        report(n % 3);
                        usleep(20000);
                    }
                }

                """,
            ["b.c"] = """
                __attribute__((weak, noinline)) int scale(int x) { __asm__("" : "+r"(x)); return x * 3 + (x == 7); }
                int other(int x) { return scale(x) - 3 * x; }

                """,
        });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "report 6");
        string diff = project.Fix("fix", ("a.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatch(diff, build, project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.DoesNotContain("ignore-build-mismatch", SutureCli.Succeed("inspect", project.File("foo.patch")).Stdout);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "report fixed 6", before);
    }
}
