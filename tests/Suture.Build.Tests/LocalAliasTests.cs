using System.Globalization;
using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// gcc gives a global function of PIC code that calls itself a local alias at the same address
/// (<c>NAME.localalias</c>, the target of the recursive call, which interposition cannot
/// reach); jq's <c>jv_getpath</c> and <c>jv_setpath</c> are such. The patch redirects the one
/// function once, under its own name.
/// </summary>
public sealed class LocalAliasTests
{
    private const string Library = """
        int depth(int n) { return n <= 0 ? 0 : 1 + depth(n - 1) * 3 % 7; }

        """;

    private const string Program = """
        #include <stdio.h>
        #include <unistd.h>

        int depth(int n);

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (;;) {
                printf("depth %d\n", depth(30));
                usleep(20000);
            }
        }

        """;

    private const string Command = "gcc -O2 -fPIC -c depth.c -o depth.o && gcc -shared depth.o -o libdepth.so && gcc -O2 prog.c -L. -ldepth -o prog";

    [Fact]
    public void A_recursive_library_function_is_redirected_once_under_its_own_name()
    {
        using var project = new CProject("local-alias", Command, new Dictionary<string, string> { ["depth.c"] = Library, ["prog.c"] = Program });
        ToolResult symbols = Tool.Run("readelf", ["-sW", Path.Combine(project.Deploy, "depth.o")]);
        Assert.Contains("depth.localalias", symbols.Stdout);
        string diff = project.Fix("fix", ("depth.c", "return n <= 0 ? 0 :", "return n <= 0 || n > 10 ? 0 :"));

        ToolResult built = project.BuildPatch(diff, Command, project.File("p.patch"), ["libdepth.so"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal(["depth"], json.RootElement.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("symbol").GetString()!));
        using RunningProgram program = RunningProgram.Start("/usr/bin/env", $"LD_LIBRARY_PATH={project.Deploy}", project.Deployed("prog"));
        program.WaitForLine(l => l == "depth 7");
        int before = program.LineCount + 1;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(CultureInfo.InvariantCulture), project.File("p.patch"));
        program.WaitForLine(l => l == "depth 0", before);
    }
}
