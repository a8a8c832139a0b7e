using Xunit;

namespace Suture.TestSupport;

/// <summary>Runs the suture command built beside the tests (test projects reference Suture.Cli), as a user would.</summary>
public static class SutureCli
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "suture");

    public static ToolResult Run(params string[] arguments) => Tool.Run(Path, arguments, timeout: TimeSpan.FromMinutes(3));

    /// <summary>Runs suture with extra environment variables.</summary>
    public static ToolResult RunWith(IReadOnlyDictionary<string, string> environment, params string[] arguments) => Tool.Run(Path, arguments, timeout: TimeSpan.FromMinutes(3), environment: environment);

    public static ToolResult Succeed(params string[] arguments)
    {
        ToolResult result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"suture {string.Join(' ', arguments)} failed: {result}");
        return result;
    }
}
