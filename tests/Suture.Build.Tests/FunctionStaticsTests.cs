using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// Function-local statics are paired by the function that owns them, not by gcc's number (gcc
/// counts them from the end of the file): a fix that adds an <c>assert</c> to the last function
/// and a function with its own <c>count</c> after it renumbers every <c>__PRETTY_FUNCTION__.N</c>
/// and <c>count.N</c> of the file.
/// </summary>
public sealed class FunctionStaticsTests
{
    private const string Source = """
        #include <assert.h>
        #include <stdio.h>
        #include <unistd.h>

        #define noinline __attribute__((noinline))

        noinline int first(int x) { printf("first\n"); return x + 1; }

        noinline int second(int x) { assert(x >= 0); return x * 2; }

        noinline int a_much_longer_name(int x) { assert(x < 1000); return x - 1; }

        noinline void tick(void)
        {
            static int count;
            count++;
            printf("tick %d %d\n", count, second(1) + a_much_longer_name(2));
        }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (;;) {
                tick();
                usleep(20000);
            }
        }

        """;

    [Theory]
    [InlineData("-O0")]
    [InlineData("-O2")]
    public void Renumbered_statics_pair_with_their_owners_and_counters_keep_their_state(string level)
    {
        string build = $"gcc {level} -g -o foo foo.c";
        using var project = new CProject("statics" + level, build, new Dictionary<string, string> { ["foo.c"] = Source });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l.StartsWith("tick 3 ", StringComparison.Ordinal));
        string diff = project.Fix("fix",
            ("foo.c", "    count++;\n", "    count++;\n    assert(count > 0);\n"),
            ("foo.c", "printf(\"tick %d %d\\n\", count,", "printf(\"tock %d %d %d\\n\", count, last(),"),
            ("foo.c", "noinline void tick(void)", "noinline int last(void);\n\nnoinline void tick(void)"),
            ("foo.c", "int main(void)", "noinline int last(void) { static int count; return ++count; }\n\nint main(void)"));

        ToolResult built = project.BuildPatch(diff, build, project.File("p.patch"), ["foo"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal(["tick"], json.RootElement.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("symbol").GetString()!).Order(StringComparer.Ordinal));
        int before = program.LineCount;
        int last = int.Parse(program.Lines()[before - 1].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("p.patch"));
        int at = program.WaitForLine(l => l.StartsWith("tock ", StringComparison.Ordinal), before);
        Assert.True(int.Parse(program.Lines()[at].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) > last, "the counter keeps counting: the new tick uses the old count");
    }
}
