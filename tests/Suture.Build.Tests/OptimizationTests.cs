using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>-O2 code: a static function inlined into two callers, and functions gcc splits into parts.</summary>
public sealed class OptimizationTests
{
    private const string Build = "gcc -O2 -o foo foo.c";

    private const string Inlined = """
        #include <stdio.h>
        #include <unistd.h>

        static int scale(int x) { return x * 2; }

        __attribute__((noipa)) int left(int v) { return scale(v) + 1; }

        __attribute__((noipa)) int right(int v) { return scale(v) + 2; }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (;;) {
                printf("%d %d\n", left(10), right(10));
                usleep(20000);
            }
        }

        """;

    private const string Split = """
        #include <stdio.h>
        #include <unistd.h>

        __attribute__((cold, noinline)) void report_bad(int x) { fprintf(stderr, "bad %d\n", x); }

        __attribute__((noipa)) int check(int x)
        {
            if (x < 0) {
                report_bad(x);
                fprintf(stderr, "negative %d\n", x);
                return -1;
            }
            return x * 2 + 1;
        }

        struct big { int a[64]; };

        static int work(struct big *b, int n)
        {
            if (n == 0)
                return 0;
            int s = 0;
            for (int i = 0; i < 64; i++)
                s += b->a[i] * n + i;
            for (int i = 0; i < 64; i++)
                s ^= b->a[(i * 7) % 64] << (i % 5);
            printf("work %d\n", s);
            return s;
        }

        __attribute__((noipa)) int user(struct big *b, int n) { return work(b, n) + 1; }

        __attribute__((noipa)) int other(struct big *b, int n) { return work(b, n) + 2; }

        int main(void)
        {
            static struct big b;
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (;;) {
                printf("check %d\n", check(3));
                user(&b, 1);
                other(&b, 0);
                usleep(20000);
            }
        }

        """;

    [Fact]
    public void A_static_function_inlined_into_two_callers_patches_both_callers()
    {
        using var project = new CProject("inlined", Build, new Dictionary<string, string> { ["foo.c"] = Inlined });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "21 22");
        string diff = project.Fix("fix", ("foo.c", "return x * 2;", "return x * 3;"));

        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("left", built.Stdout);
        Assert.Contains("right", built.Stdout);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForSteady("31 32", 4, before);
    }

    [Fact]
    public void A_function_with_a_cold_part_is_replaced_with_its_part()
    {
        using var project = new CProject("cold", Build, new Dictionary<string, string> { ["foo.c"] = Split });
        Assert.Contains("check.cold", Tool.Run("nm", [project.Deployed("foo")]).Stdout);
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "check 7");
        string diff = project.Fix("fix", ("foo.c", "return x * 2 + 1;", "return x * 2 + 5;"));

        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.DoesNotContain("check.cold", built.Stdout); // carried in the image, not redirected

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "check 11", before);
    }

    [Fact]
    public void A_change_in_a_part_gcc_split_off_patches_the_renumbered_part()
    {
        using var project = new CProject("part", Build, new Dictionary<string, string> { ["foo.c"] = Split });
        Assert.Contains("work.part.0", Tool.Run("nm", [project.Deployed("foo")]).Stdout);
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l.StartsWith("work ", StringComparison.Ordinal));
        string diff = project.Fix("fix", ("foo.c", "printf(\"work %d\\n\", s);", "printf(\"work fixed %d\\n\", s);"));

        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("work.part.0", built.Stdout);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l.StartsWith("work fixed ", StringComparison.Ordinal), before);
    }

    private const string Switch = """
        #include <stdio.h>
        #include <unistd.h>

        __attribute__((noipa)) const char *name(int day)
        {
            switch (day) {
            case 0: return "sunday";
            case 1: return "monday";
            case 2: return "tuesday";
            case 3: return "wednesday";
            case 4: return "thursday";
            case 5: return "friday";
            case 6: return "saturday";
            case 7: return "someday";
            }
            return "never";
        }

        __attribute__((noipa)) int weight(int day)
        {
            switch (day) {
            case 0: return 10;
            case 1: return 21;
            case 2: return 32;
            case 3: return 43;
            case 4: return 54;
            case 5: return 65;
            case 6: return 76;
            case 7: return 87;
            }
            return -1;
        }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (int i = 0;; i = (i + 1) % 9) {
                printf("%d %s %d\n", i, name(i), weight(i));
                usleep(5000);
            }
        }

        """;

    [Theory]
    [InlineData("-O0")]
    [InlineData("-O2")]
    public void A_function_with_a_jump_table_is_replaced_with_its_table(string optimization)
    {
        string build = $"gcc {optimization} -o foo foo.c";
        using var project = new CProject("switch" + optimization, build, new Dictionary<string, string> { ["foo.c"] = Switch });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "3 wednesday 43");
        string diff = project.Fix("fix", ("foo.c", "case 3: return 43;", "case 3: return 44;"), ("foo.c", "case 5: return \"friday\";", "case 5: return \"freeday\";"));

        ToolResult built = project.BuildPatch(diff, build, project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        int first = program.WaitForLine(l => l == "3 wednesday 44", before);
        int next = program.WaitForLine(l => l == "5 freeday 65", first);
        // Every case of both tables still lands where it should: one full round after the switch.
        int start = program.WaitForLine(l => l.StartsWith("0 ", StringComparison.Ordinal), next);
        program.WaitForLine(l => l.StartsWith("8 ", StringComparison.Ordinal), start);
        Assert.Equal(
            ["0 sunday 10", "1 monday 21", "2 tuesday 32", "3 wednesday 44", "4 thursday 54", "5 freeday 65", "6 saturday 76", "7 someday 87", "8 never -1"],
            program.Lines(start).Take(9));
    }

    [Theory]
    [InlineData("foo.constprop.0", "foo.constprop")]
    [InlineData("foo.isra.12", "foo.isra")]
    [InlineData("foo.part.0.cold", "foo.part.cold")]
    [InlineData("counter.3", "counter")]
    [InlineData("plain", "plain")]
    public void Clone_numbers_are_dropped_from_keys(string name, string key) => Assert.Equal(key, Diff.SymbolKeys.Normalize(name));
}
