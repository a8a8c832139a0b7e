using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// A constant's bytes are compared up to its own size, not with every zero at its end dropped:
/// an all-zero table that grows is a change of what the code reads, not alignment padding.
/// </summary>
public sealed class LiteralPieceTests
{
    private const string Source = """
        #include <stdio.h>

        static const char pad[16] = {0};

        __attribute__((noinline)) const char *get(void) { return pad; }

        int main(void) { printf("%d\n", get()[0]); return 0; }

        """;

    [Theory]
    [InlineData("-O0")]
    [InlineData("-O2")]
    public void An_all_zero_constant_that_grows_changes_the_function_that_reads_it(string level)
    {
        string build = $"gcc {level} -o foo foo.c";
        using var project = new CProject("zero-table" + level, build, new Dictionary<string, string> { ["foo.c"] = Source });
        string diff = project.Fix("fix", ("foo.c", "pad[16]", "pad[32]"));

        ToolResult built = project.BuildPatch(diff, build, project.File("p.patch"), ["foo"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal("get", Assert.Single(json.RootElement.GetProperty("functions").EnumerateArray()).GetProperty("symbol").GetString());
    }
}
