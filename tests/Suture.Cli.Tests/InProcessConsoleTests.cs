using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// The command line in process writes what the binary writes: the same bytes on stdout, help
/// included, and the same exit code; the binary's own parse errors stay covered here too.
/// </summary>
public sealed class InProcessConsoleTests : IClassFixture<ErrorTests.BuiltSeed>
{
    private readonly ErrorTests.BuiltSeed _seed;

    public InProcessConsoleTests(ErrorTests.BuiltSeed seed)
    {
        _seed = seed;
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("inspect", "--json")]
    [InlineData("--help")]
    [InlineData("apply", "--help")]
    public void Output_in_process_is_the_binary_output(params string[] arguments)
    {
        string[] line = arguments[0] == "inspect" ? [.. arguments, _seed.Project.PatchPath] : arguments;

        ToolResult binary = SutureCli.Run(line);
        ToolResult inProcess = InProcessSuture.Run(line);

        Assert.Equal(0, binary.ExitCode);
        Assert.Equal(binary.ExitCode, inProcess.ExitCode);
        // Help names the root command after the executable: "testhost" in process.
        Assert.Equal(binary.Stdout, inProcess.Stdout.Replace("  testhost ", "  suture ", StringComparison.Ordinal));
        Assert.Equal(binary.Stderr, inProcess.Stderr);
        Assert.NotEqual("", inProcess.Stdout);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("apply", "-p", "1", "--frobnicate", "x.patch")]
    [InlineData("apply", "x.patch")]
    public void The_binary_exits_2_on_a_bad_command_line_in_one_line(params string[] arguments)
    {
        ToolResult binary = SutureCli.Run(arguments);

        Assert.True(binary.ExitCode == (int)ExitCode.Usage, binary.ToString());
        Assert.Single(binary.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", binary.Stderr);
        Assert.Equal("", binary.Stdout);
        Assert.Equal(binary, InProcessSuture.Run(arguments));
    }
}
