using Xunit;

namespace Suture.TestSupport;

/// <summary>Runs the suture command built beside the tests (test projects reference Suture.Cli), as a user would.</summary>
public static class SutureCli
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "suture");

    public static ToolResult Run(params string[] arguments) => Tool.Run(Path, arguments, timeout: TimeSpan.FromMinutes(3));

    public static ToolResult Succeed(params string[] arguments)
    {
        ToolResult result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"suture {string.Join(' ', arguments)} failed: {result}");
        return result;
    }
}
