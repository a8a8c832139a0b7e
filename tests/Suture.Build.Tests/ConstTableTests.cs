using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// A const table of pointers is read-only data of the code that reads it, also where gcc puts
/// it in a writable section for the dynamic linker to relocate (<c>.data.rel.ro</c> in PIE and
/// shared code; <c>.rodata</c> without PIE): a fix that changes an entry carries the new table,
/// its relocations resolved, with the new code.
/// </summary>
public sealed class ConstTableTests
{
    private const string Source = """
        #include <stdio.h>
        #include <unistd.h>

        static const char *const names[] = { "alpha", "beta" };

        __attribute__((noipa)) const char *name(int i) { return names[i]; }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (;;) {
                printf("%s %s\n", name(0), name(1));
                usleep(20000);
            }
        }

        """;

    [Theory]
    [InlineData("-fPIE -pie")]
    [InlineData("-fno-pie -no-pie")]
    public void A_changed_entry_of_a_const_pointer_table_is_carried_with_the_code_that_reads_it(string pie)
    {
        string build = $"gcc -O2 {pie} -o foo foo.c";
        using var project = new CProject("const-table" + (pie.StartsWith("-fPIE", StringComparison.Ordinal) ? "-pie" : "-nopie"), build, new Dictionary<string, string> { ["foo.c"] = Source });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "alpha beta");
        string diff = project.Fix("fix", ("foo.c", "\"alpha\"", "\"ALPHA\""));

        ToolResult built = project.BuildPatch(diff, build, project.File("p.patch"), ["foo"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal("name", Assert.Single(json.RootElement.GetProperty("functions").EnumerateArray()).GetProperty("symbol").GetString());
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("p.patch"));
        program.WaitForLine(l => l == "ALPHA beta", before);
    }
}
