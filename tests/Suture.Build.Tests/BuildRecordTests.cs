using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>The patch records the build command and the compiles of the objects it was built from, not every compile of the tree.</summary>
public sealed class BuildRecordTests
{
    [Fact]
    public void A_tree_whose_compile_commands_exceed_the_metadata_limit_records_only_the_changed_objects()
    {
        // 120 objects, each compiled with about 900 bytes of flags: more than 64 KiB of compile commands in all.
        const int files = 120;
        string defines = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"-DSOME_LONG_CONFIGURATION_MACRO_{i}=1"));
        var sources = Enumerable.Range(0, files).ToDictionary(i => $"f{i}.c", i => $"#include <stdio.h>\nint f{i}(int x) {{ printf(\"f{i}\\n\"); return x + {i}; }}\n");
        sources["main.c"] = """
            #include <stdio.h>
            #include <unistd.h>
            int f7(int);
            int main(void) { setvbuf(stdout, NULL, _IOLBF, 0); for (;;) { int v = f7(1); printf("value %d\n", v); usleep(20000); } }

            """;
        string build = $"for f in *.c; do gcc -O2 {defines} -c $f -o ${{f%.c}}.o || exit 1; done && gcc -o prog *.o";
        using var project = new CProject("record", build, sources);
        using RunningProgram program = project.Start("prog");
        program.WaitForLine(l => l == "value 8");
        string diff = project.Fix("fix", ("f7.c", "x + 7", "x + 70"));

        ToolResult built = project.BuildPatch(diff, build, project.File("p.patch"), ["prog"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        string[] record = json.RootElement.GetProperty("buildCommand").GetString()!.Split('\n');
        Assert.Equal(build, record[0]);
        Assert.Equal($"f7.o: gcc -O2 {defines} -c f7.c -o f7.o", Assert.Single(record[1..]));

        string text = SutureCli.Succeed("inspect", project.File("p.patch")).Stdout;
        Assert.Contains("\ncompiled:\n  f7.o: gcc -O2", text);
        string[] lines = text.Split('\n');
        int from = Array.FindIndex(lines, l => l.StartsWith("build:", StringComparison.Ordinal)), to = Array.FindIndex(lines, l => l.StartsWith("sha256:", StringComparison.Ordinal));
        Assert.True(to - from > 3, text); // the long build command and the compile are wrapped
        Assert.All(lines[from..to], l => Assert.True(l.Length <= 100, $"inspect line of {l.Length} characters: {l}"));

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("p.patch"));
        program.WaitForLine(l => l == "value 71", before);
    }
}
