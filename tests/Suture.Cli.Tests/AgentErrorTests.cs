using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// The error paths of <c>suture agent</c>, in process, each with its own configuration in a
/// temporary directory: a configuration that is missing, does not parse or is out of bounds, a
/// bad server address or pin, a server that cannot be reached, refuses or does not speak the
/// protocol, a certificate that is not the pinned one, a state directory that cannot be written,
/// state files that do not parse, and operator commands naming nothing. Each is one line with
/// its documented exit code. The agent's work against a real server and store is in
/// Suture.Agent.Tests.
/// </summary>
public sealed class AgentErrorTests
{
    private const string Registered = "{\"hostId\":\"h-1\",\"hostToken\":\"suth_secret\",\"feed\":\"production\",\"checkInIntervalSeconds\":3600}";
    private static readonly string WrongPin = "sha256:" + new string('b', 64);

    [Theory]
    [InlineData("agent frobnicate", "unknown command 'frobnicate'; the commands of 'suture agent' are register, run, check, approve, unblock, status (see 'suture agent --help')")]
    [InlineData("agent register --server https://127.0.0.1:1", "Option '--key' is required")]
    [InlineData("agent approve", "Required argument missing")]
    public void A_bad_agent_command_line_is_exit_2(string line, string fragment)
    {
        CliAssert.OneLineError(InProcessSuture.Run(line.Split(' ')), ExitCode.Usage, fragment, quiet: true);
    }

    [Fact]
    public void A_configuration_named_but_missing_is_exit_2_naming_it()
    {
        using var directory = new TempDirectory();
        string missing = directory.File("agent.json");

        foreach (string command in new[] { "status", "check", "run", "unblock x", "approve x" })
        {
            CliAssert.OneLineError(InProcessSuture.Run(["agent", .. command.Split(' '), "--config", missing]), ExitCode.Usage, $"agent configuration {missing} does not exist; create it", quiet: true);
        }
    }

    [Theory]
    [InlineData("not json", "is not valid")]
    [InlineData("{\"mode\":\"sometimes\"}", "is not valid")]
    [InlineData("{\"frobnicate\":1}", "is not valid")]
    [InlineData("{\"intervalSeconds\":1,\"busyRetries\":1000}", "intervalSeconds 1 is not 10 to 604800; busyRetries 1000 is not 0 to 100")]
    [InlineData("{\"stateDirectory\":\" \"}", "stateDirectory is empty")]
    public void A_configuration_that_does_not_parse_or_is_out_of_bounds_is_exit_2(string content, string fragment)
    {
        using var directory = new TempDirectory();
        string config = directory.Write("agent.json", content);

        ToolResult result = InProcessSuture.Run("agent", "status", "--config", config);

        CliAssert.OneLineError(result, ExitCode.Usage, fragment, quiet: true);
        Assert.Contains(config, result.Stderr);
    }

    [Theory]
    [InlineData(null, null, "no server to register with: give --server https://HOST:PORT")]
    [InlineData("ftp://fleet.example", null, "server address 'ftp://fleet.example' is not an http(s) URL")]
    [InlineData("https://127.0.0.1:1", "sha256:12", "--pin 'sha256:12' is not sha256: and 64 hex digits")]
    public void A_missing_or_malformed_server_or_pin_is_exit_2(string? server, string? pin, string fragment)
    {
        using var agent = new AgentDirectory();
        string[] arguments = ["agent", "register", "--key", "sutk_x", "--config", agent.Config, .. server is null ? Array.Empty<string>() : ["--server", server], .. pin is null ? Array.Empty<string>() : ["--pin", pin]];

        CliAssert.OneLineError(InProcessSuture.Run(arguments), ExitCode.Usage, fragment, quiet: true);
        Assert.False(File.Exists(agent.Identity));
    }

    [Fact]
    public void A_server_that_cannot_be_reached_is_named_and_nothing_is_stored()
    {
        using var agent = new AgentDirectory();
        string closed = CannedServer.ClosedAddress();

        CliAssert.OneLineError(InProcessSuture.Run("agent", "register", "--server", closed, "--key", "sutk_x", "--config", agent.Config), ExitCode.Failure, $"registration: cannot reach the server {closed}", quiet: true);
        Assert.False(File.Exists(agent.Identity));
    }

    [Fact]
    public void A_server_whose_certificate_is_not_the_pinned_one_is_refused()
    {
        using var agent = new AgentDirectory();
        using var server = new CannedServer(200, Registered, tls: true);

        ToolResult result = InProcessSuture.Run("agent", "register", "--server", server.Address, "--key", "sutk_x", "--pin", WrongPin, "--config", agent.Config);

        CliAssert.OneLineError(result, ExitCode.Failure, "its TLS certificate was refused (not the pinned one", quiet: true);
        Assert.Equal(0, server.Requests);
        Assert.False(File.Exists(agent.Identity));
    }

    [Theory]
    [InlineData(401, "{\"title\":\"Unauthorized\",\"detail\":\"unknown registration key\"}", ExitCode.PermissionDenied, "registration refused by http://127.0.0.1:PORT: 401 Unauthorized: unknown registration key")]
    [InlineData(403, "", ExitCode.PermissionDenied, "registration refused by http://127.0.0.1:PORT: 403 Forbidden")]
    [InlineData(500, "oops", ExitCode.Failure, "registration refused by http://127.0.0.1:PORT: 500 InternalServerError")]
    [InlineData(200, "<html>a web server</html>", ExitCode.Failure, "registration at http://127.0.0.1:PORT: the answer is not the protocol's JSON")]
    [InlineData(200, "null", ExitCode.Failure, "registration at http://127.0.0.1:PORT: the server answered null")]
    public void A_refusal_or_an_answer_that_is_not_the_protocol_is_named_and_nothing_is_stored(int status, string body, ExitCode expected, string fragment)
    {
        using var agent = new AgentDirectory();
        using var server = new CannedServer(status, body);
        string port = new Uri(server.Address).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        ToolResult result = InProcessSuture.Run("agent", "register", "--server", server.Address, "--key", "sutk_x", "--config", agent.Config);

        CliAssert.OneLineError(result, expected, fragment.Replace("PORT", port, StringComparison.Ordinal), quiet: true);
        Assert.False(File.Exists(agent.Identity));
    }

    [Fact]
    public void A_state_directory_that_cannot_be_written_is_named()
    {
        using var agent = new AgentDirectory();
        File.WriteAllText(agent.State, "a file where the state directory should be\n");
        using var server = new CannedServer(200, Registered);

        ToolResult result = InProcessSuture.Run("agent", "register", "--server", server.Address, "--key", "sutk_x", "--config", agent.Config);

        CliAssert.OneLineError(result, ExitCode.Failure, $"cannot write {agent.Identity}", quiet: true);
    }

    [Fact]
    public void Check_in_before_registering_names_the_command_that_registers()
    {
        using var agent = new AgentDirectory();

        CliAssert.OneLineError(InProcessSuture.Run("agent", "check", "--config", agent.Config), ExitCode.Failure, $"this host is not registered (no {agent.Identity}); run 'suture agent register --server URL --key KEY", quiet: true);
    }

    [Fact]
    public void Check_in_with_a_server_gone_away_is_named()
    {
        using var agent = new AgentDirectory();
        string address;
        using (var server = new CannedServer(200, Registered))
        {
            address = server.Address;
            InProcessSuture.Succeed("agent", "register", "--server", address, "--key", "sutk_x", "--config", agent.Config);
        }

        CliAssert.OneLineError(InProcessSuture.Run("agent", "check", "--config", agent.Config), ExitCode.Failure, $"check-in: cannot reach the server {address}", quiet: true);
    }

    [Fact]
    public void Check_in_offline_without_the_store_names_it()
    {
        using var agent = new AgentDirectory("offline");

        CliAssert.OneLineError(InProcessSuture.Run("agent", "check", "--config", agent.Config), ExitCode.Failure, $"offline store {agent.Store} does not exist; create it", quiet: true);
    }

    [Theory]
    [InlineData("identity.json", "check", "agent identity")]
    [InlineData("blocked.json", "unblock", "blocked.json")]
    public void A_state_file_that_does_not_parse_is_named_with_its_remedy(string file, string command, string fragment)
    {
        using var agent = new AgentDirectory();
        Directory.CreateDirectory(agent.State);
        string path = Path.Combine(agent.State, file);
        File.WriteAllText(path, "{ half a file");
        string[] arguments = command == "unblock" ? ["agent", "unblock", "abcdef12", "--config", agent.Config] : ["agent", command, "--config", agent.Config];

        ToolResult result = InProcessSuture.Run(arguments);

        CliAssert.OneLineError(result, ExitCode.Failure, fragment, quiet: true);
        Assert.Contains(path, result.Stderr);
    }

    [Fact]
    public void Approve_and_unblock_of_a_patch_the_agent_does_not_have_are_exit_2()
    {
        using var agent = new AgentDirectory();

        CliAssert.OneLineError(InProcessSuture.Run("agent", "approve", "fix-1", "--config", agent.Config), ExitCode.Usage, $"no patch 'fix-1' in the agent's cache {agent.Cache}; 'suture agent check' downloads", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run("agent", "unblock", "fix-1", "--config", agent.Config), ExitCode.Usage, "no blocked patch 'fix-1' on this host", quiet: true);
    }

    [Fact]
    public void Approve_warns_of_a_cached_file_that_is_not_a_trusted_patch()
    {
        using var agent = new AgentDirectory();
        Directory.CreateDirectory(agent.Cache);
        string corrupt = Path.Combine(agent.Cache, new string('c', 64) + ".patch");
        File.WriteAllText(corrupt, "not a patch\n");

        ToolResult result = InProcessSuture.Run("agent", "approve", "fix-1", "--config", agent.Config);

        Assert.True(result.ExitCode == (int)ExitCode.Usage, result.ToString());
        string[] lines = result.Stderr.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"warning: {corrupt} refused: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("error: no patch 'fix-1' in the agent's cache", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("internal failure", result.Stderr);
    }

    /// <summary>An agent configuration whose every directory is under one temporary directory (none created).</summary>
    private sealed class AgentDirectory : IDisposable
    {
        private readonly TempDirectory _root = new();

        public AgentDirectory(string mode = "auto")
        {
            State = _root.File("state");
            Cache = _root.File("cache");
            Store = _root.File("store");
            Config = _root.Write("agent.json", System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["mode"] = mode,
                ["stateDirectory"] = State,
                ["cacheDirectory"] = Cache,
                ["storeDirectory"] = Store,
                ["trustDirectory"] = TestKeys.TrustDirectory,
            }));
        }

        public string Config { get; }

        public string State { get; }

        public string Cache { get; }

        public string Store { get; }

        public string Identity => Path.Combine(State, "identity.json");

        public void Dispose() => _root.Dispose();
    }
}
