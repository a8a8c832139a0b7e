using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>What every refusal of bad input must look like, in process or from the binary.</summary>
internal static class CliAssert
{
    /// <summary>
    /// Exit <paramref name="expected"/> and exactly one line on stderr, "error: ..." containing
    /// <paramref name="fragment"/>: never an internal failure or a stack trace. With
    /// <paramref name="quiet"/>, nothing on stdout either.
    /// </summary>
    public static void OneLineError(ToolResult result, ExitCode expected, string fragment, bool quiet = false)
    {
        Assert.True((int)expected == result.ExitCode, $"expected exit {(int)expected} ({expected}): {result}");
        string[] lines = result.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr: {result}");
        Assert.True(lines[0].StartsWith("error: ", StringComparison.Ordinal) && lines[0].Contains(fragment, StringComparison.Ordinal), $"expected '{fragment}': {result}");
        Assert.DoesNotContain("internal failure", result.Stderr);
        if (quiet)
        {
            Assert.Equal("", result.Stdout);
        }
    }
}
