using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Agent.Tests;

/// <summary>
/// One agent's directories (cache, state, offline store) and its configuration file in a scratch
/// directory; runs the suture binary's <c>agent</c> commands with it, trusting the test key.
/// </summary>
internal sealed class AgentHost : IDisposable
{
    private readonly TempDirectory _directory = new("suture-agent");

    public AgentHost(string mode, Dictionary<string, object>? extra = null)
    {
        Directory.CreateDirectory(Store);
        var config = new Dictionary<string, object>
        {
            ["mode"] = mode,
            ["cacheDirectory"] = _directory.File("cache"),
            ["stateDirectory"] = _directory.File("state"),
            ["storeDirectory"] = Store,
            ["trustDirectory"] = TestKeys.TrustDirectory,
            ["jitterSeconds"] = 0,
            ["retryBackoffSeconds"] = 0.2,
            ["storeRescanSeconds"] = 1,
        };
        foreach ((string k, object v) in extra ?? [])
        {
            config[k] = v;
        }

        Config = _directory.Write("agent.json", JsonSerializer.Serialize(config));
    }

    public string Config { get; }

    public string Store => _directory.File("store");

    public string State => _directory.File("state");

    public string Cache => _directory.File("cache");

    public ToolResult Run(params string[] arguments) => SutureCli.Run(["agent", .. arguments, "--config", Config]);

    public ToolResult Succeed(params string[] arguments)
    {
        ToolResult result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"suture agent {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    /// <summary><c>agent status --json</c>, parsed.</summary>
    public JsonElement Status() => JsonDocument.Parse(Succeed("status", "--json").Stdout).RootElement;

    public void Dispose() => _directory.Dispose();
}
