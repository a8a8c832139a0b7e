using Xunit;

namespace Suture.TestSupport;

/// <summary>
/// Runs the suture command built beside the tests (test projects reference Suture.Cli), as a user
/// would: trusting the test key (<see cref="TestKeys"/>) unless the caller sets
/// <c>SUTURE_TRUST_DIR</c> itself, and signing every patch a successful <c>suture build</c> wrote,
/// so applies take the default, verified path.
/// </summary>
public static class SutureCli
{
    // Children started any other way (Process.Start, strace, setpriv) inherit it too.
    // The host state apply and revert write goes to a directory of the run, never the machine's /run/suture.
    static SutureCli()
    {
        Environment.SetEnvironmentVariable(TestKeys.TrustVariable, TestKeys.TrustDirectory);
        Environment.SetEnvironmentVariable(StateVariable, System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"suture-test-state-{Environment.ProcessId}"));
    }

    public const string StateVariable = "SUTURE_STATE_DIR";

    public static string Path => SutureBinary.Path;

    public static ToolResult Run(params string[] arguments) => RunWith(new Dictionary<string, string>(), arguments);

    /// <summary>Runs suture with extra environment variables.</summary>
    public static ToolResult RunWith(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        ToolResult result = Tool.Run(Path, arguments, timeout: TimeSpan.FromMinutes(3), environment: environment);
        if (result.ExitCode == 0 && arguments.Length > 0 && arguments[0] == "build" && Output(arguments) is string output)
        {
            TestKeys.Sign(output);
        }

        return result;
    }

    public static ToolResult Succeed(params string[] arguments)
    {
        ToolResult result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"suture {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    private static string? Output(string[] arguments)
    {
        int at = Array.FindIndex(arguments, a => a is "-o" or "--output");
        return at >= 0 && at + 1 < arguments.Length ? arguments[at + 1] : null;
    }
}
