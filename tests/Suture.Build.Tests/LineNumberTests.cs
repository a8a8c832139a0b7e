using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// A fix that adds lines moves the <c>__LINE__</c> every <c>assert</c> below it passes to
/// <c>__assert_fail</c>; functions that differ only in that are left alone, and the build says so.
/// </summary>
public sealed class LineNumberTests
{
    private const string Source = """
        #include <assert.h>
        #include <stdio.h>
        #include <unistd.h>

        #define noinline __attribute__((noinline))

        noinline int check(int x)
        {
            printf("check %d\n", x);
            return x;
        }

        noinline int second(int x)
        {
            assert(x >= 0);
            return x * 2;
        }

        noinline int third(int x)
        {
            assert(x < 1000);
            assert(x != 77);
            return x - 1;
        }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (int n = 0;; n++) {
                check(second(n % 3) + third(n % 3));
                usleep(20000);
            }
        }

        """;

    [Theory]
    [InlineData("-O0")]
    [InlineData("-O2")]
    public void Functions_whose_only_difference_is_a_moved_assert_line_are_left_alone(string level)
    {
        string build = $"gcc {level} -g -o foo foo.c";
        using var project = new CProject("lines" + level, build, new Dictionary<string, string> { ["foo.c"] = Source });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "check 5");
        string diff = project.Fix("fix", ("foo.c", "    printf(\"check %d\\n\", x);\n", "    if (x > 3)\n        x = 3;\n    printf(\"check %d\\n\", x);\n"));

        ToolResult built = project.BuildPatch(diff, build, project.File("p.patch"), ["foo"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("their code differs only in the line numbers of assertions the fix moved", built.Stderr);
        Assert.Contains("foo.c:15 -> 17 passed to __assert_fail", built.Stderr);
        Assert.Contains("foo.c:21 -> 23, foo.c:22 -> 24 passed to __assert_fail", built.Stderr);
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal("check", Assert.Single(json.RootElement.GetProperty("functions").EnumerateArray()).GetProperty("symbol").GetString());
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("p.patch"));
        program.WaitForLine(l => l == "check 3", before);
    }

    [Fact]
    public void A_changed_constant_that_equals_a_moved_line_is_still_a_change()
    {
        // 160 lines of comment put the old line 150 below the lines the fix adds; fourth's
        // constant 150 -> 152 is what the fix changes, not a moved __LINE__ (it is no argument of
        // __assert_fail), so fourth is patched, not left alone.
        string padding = string.Concat(Enumerable.Repeat("// padding\n", 160));
        string source = "#include <assert.h>\n#include <stdio.h>\n#include <unistd.h>\n\n"
            + "__attribute__((noinline)) int check(int x)\n{\n    printf(\"check %d\\n\", x);\n    return x;\n}\n\n"
            + padding
            + "__attribute__((noinline)) int fourth(int x)\n{\n    assert(x < 500);\n    return x * 150;\n}\n\n"
            + "int main(void)\n{\n    for (int n = 0;; n++) {\n        printf(\"%d\\n\", fourth(check(n % 3)));\n        usleep(20000);\n    }\n}\n";
        const string build = "gcc -O0 -g -o foo foo.c";
        using var project = new CProject("lines-constant", build, new Dictionary<string, string> { ["foo.c"] = source });
        string diff = project.Fix(
            "fix",
            ("foo.c", "    printf(\"check %d\\n\", x);\n", "    if (x > 3)\n        x = 3;\n    printf(\"check %d\\n\", x);\n"),
            ("foo.c", "return x * 150;", "return x * 152;"));

        ToolResult built = project.BuildPatch(diff, build, project.File("p.patch"), ["foo"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        string[] functions = [.. json.RootElement.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("symbol").GetString() ?? "").Order()];
        Assert.Equal(["check", "fourth"], functions);
    }
}
