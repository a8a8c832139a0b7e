using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// A build with <c>-Werror</c> whose macros warn only once expanded (cJSON's tests: a NULL check
/// of an array's address, <c>-Waddress</c>) builds through the wrappers as it builds alone.
/// </summary>
public sealed class WerrorBuildTests
{
    private const string Source = """
        #include <stdio.h>
        #include <unistd.h>

        struct item { int value; };

        #define SET_VALUE(p, v) ((p) != NULL ? (p)->value = (v) : (v))

        __attribute__((noinline)) void show(int v) { printf("value %d\n", v * 2); }

        int main(void)
        {
            struct item item[1];
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (;;) {
                SET_VALUE(item, 21);
                show(item->value);
                usleep(20000);
            }
        }

        """;

    [Fact]
    public void Separate_compiles_keep_the_warnings_of_the_build_alone()
    {
        const string build = "gcc -O2 -Wall -Werror -c foo.c && gcc -o foo foo.o";
        using var project = new CProject("werror", build, new Dictionary<string, string> { ["foo.c"] = Source });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "value 42");
        string diff = project.Fix("fix", ("foo.c", "v * 2);", "v * 3);"));

        ToolResult built = project.BuildPatch(diff, build, project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "value 63", before);
    }
}
