using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// The error paths of <c>suture fleet</c>, in process: a missing or malformed server, token or
/// pin, a server that cannot be reached, one whose certificate is not the pinned one, refusals
/// (401, 403, 404, 500) and answers that are not the protocol's; each one line, its documented
/// exit code, nothing on stdout. The commands against the real server are in
/// Suture.Server.Tests/FleetCliTests.
/// </summary>
public sealed class FleetErrorTests
{
    private static readonly string WrongPin = "sha256:" + new string('a', 64);

    [Theory]
    [InlineData("fleet frobnicate", "unknown command 'frobnicate'; the commands of 'suture fleet' are hosts, patches, approve, disable, undeploy, feeds, promote, report, audit (see 'suture fleet --help')")]
    [InlineData("fleet report frobnicate", "unknown command 'frobnicate'; the commands of 'suture fleet report' are cve, host, patch, silent (see 'suture fleet report --help')")]
    [InlineData("fleet hosts --frobnicate", "unknown option '--frobnicate'")]
    [InlineData("fleet approve production", "Required argument missing")]
    [InlineData("fleet report silent --intervals many", "many")]
    public void A_bad_fleet_command_line_is_exit_2(string line, string fragment)
    {
        CliAssert.OneLineError(InProcessSuture.Run(line.Split(' ')), ExitCode.Usage, fragment, quiet: true);
    }

    [Fact]
    public void A_missing_server_or_token_is_named_with_its_remedy()
    {
        Assert.Null(Environment.GetEnvironmentVariable("SUTURE_SERVER")); // the test host leaves them to the options
        Assert.Null(Environment.GetEnvironmentVariable("SUTURE_TOKEN"));

        CliAssert.OneLineError(InProcessSuture.Run("fleet", "hosts", "--token", "t"), ExitCode.Usage, "give the server's address with --server https://HOST:8443 or SUTURE_SERVER", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run("fleet", "hosts", "--server", "https://127.0.0.1:1"), ExitCode.Usage, "give a personal API token with --token or SUTURE_TOKEN", quiet: true);
    }

    [Theory]
    [InlineData("ftp://fleet.example", null, "--server 'ftp://fleet.example' is not an https:// address")]
    [InlineData("fleet.example:8443", null, "is not an https:// address")]
    [InlineData("https://127.0.0.1:1", "sha256:abc", "--pin 'sha256:abc' is not sha256: and 64 hex digits")]
    [InlineData("https://127.0.0.1:1", "md5:" + "00112233445566778899aabbccddeeff", "is not sha256: and 64 hex digits")]
    public void A_malformed_server_or_pin_is_exit_2_before_any_request(string server, string? pin, string fragment)
    {
        string[] arguments = ["fleet", "patches", "--server", server, "--token", "t", .. pin is null ? Array.Empty<string>() : ["--pin", pin]];

        CliAssert.OneLineError(InProcessSuture.Run(arguments), ExitCode.Usage, fragment, quiet: true);
    }

    [Fact]
    public void Undeploy_needs_exactly_one_of_a_patch_and_an_object()
    {
        using var server = new CannedServer(200, "[]");

        CliAssert.OneLineError(InProcessSuture.Run("fleet", "undeploy", "production", "--server", server.Address, "--token", "t"), ExitCode.Usage, "give either a patch sha256", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run("fleet", "undeploy", "production", "abcd", "--object", "00ff", "--server", server.Address, "--token", "t"), ExitCode.Usage, "give either a patch sha256", quiet: true);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public void A_server_that_cannot_be_reached_is_named()
    {
        string closed = CannedServer.ClosedAddress();

        CliAssert.OneLineError(InProcessSuture.Run("fleet", "hosts", "--server", closed, "--token", "t"), ExitCode.Failure, $"{closed}/: cannot reach the server", quiet: true);
    }

    [Fact]
    public void A_server_whose_certificate_is_not_the_pinned_one_is_refused()
    {
        using var server = new CannedServer(200, "[]", tls: true);

        ToolResult result = InProcessSuture.Run("fleet", "hosts", "--server", server.Address, "--token", "t", "--pin", WrongPin);

        CliAssert.OneLineError(result, ExitCode.Failure, "the server's certificate is not the one --pin names", quiet: true);
        Assert.Equal(0, server.Requests);
    }

    [Theory]
    [InlineData(401, "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"the token is unknown or revoked\"}", ExitCode.PermissionDenied, "api/v1/hosts: 401 the token is unknown or revoked (give a valid token: --token or SUTURE_TOKEN)")]
    [InlineData(403, "{\"title\":\"Forbidden\",\"status\":403}", ExitCode.PermissionDenied, "api/v1/hosts: 403 Forbidden (the token's role may not do this)")]
    [InlineData(404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no feed 'production'\"}", ExitCode.Failure, "api/v1/hosts: 404 no feed 'production'")]
    [InlineData(500, "<html>proxy error</html>", ExitCode.Failure, "api/v1/hosts: 500 InternalServerError")]
    public void A_refusal_by_the_server_is_one_line_with_its_status(int status, string body, ExitCode expected, string fragment)
    {
        using var server = new CannedServer(status, body);

        CliAssert.OneLineError(InProcessSuture.Run("fleet", "hosts", "--server", server.Address, "--token", "t"), expected, fragment, quiet: true);
    }

    [Theory]
    [InlineData("hosts", "<html>a web server</html>")]
    [InlineData("patches", "{\"not\":\"a list\"}")]
    [InlineData("audit verify", "null")]
    public void An_answer_that_is_not_the_protocol_is_named(string command, string body)
    {
        using var server = new CannedServer(200, body);

        ToolResult result = InProcessSuture.Run(["fleet", .. command.Split(' '), "--server", server.Address, "--token", "t"]);

        CliAssert.OneLineError(result, ExitCode.Failure, "the server's answer is not what this suture understands", quiet: true);
        Assert.Contains("is it a suture-server of protocol version", result.Stderr);
    }

    [Fact]
    public void A_broken_audit_chain_exits_1_naming_the_entry()
    {
        using var server = new CannedServer(200, "{\"valid\":false,\"entries\":12,\"firstBadEntry\":7,\"problem\":\"hash mismatch\"}");

        ToolResult result = InProcessSuture.Run("fleet", "audit", "verify", "--server", server.Address, "--token", "t");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("audit log broken at entry 7: hash mismatch\n", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Theory]
    [InlineData("approve production abcd", 403, "{\"title\":\"Forbidden\",\"status\":403}", ExitCode.PermissionDenied, "api/v1/feeds/production/patches/abcd/enable: 403 Forbidden (the token's role may not do this)")]
    [InlineData("disable production abcd", 404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no patch abcd\"}", ExitCode.Failure, "api/v1/feeds/production/patches/abcd/disable: 404 no patch abcd")]
    [InlineData("promote production", 409, "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"production names no earlier tier\"}", ExitCode.Failure, "api/v1/feeds/production/promote: 409 production names no earlier tier")]
    [InlineData("undeploy production --object 00ff", 401, "", ExitCode.PermissionDenied, "api/v1/feeds/production/objects/00ff/undeploy: 401 Unauthorized (give a valid token: --token or SUTURE_TOKEN)")]
    [InlineData("report cve CVE-2024-1 --csv", 403, "{\"title\":\"Forbidden\",\"status\":403}", ExitCode.PermissionDenied, "api/v1/reports/cves/CVE-2024-1: 403 Forbidden")]
    [InlineData("report host h-9", 404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no host h-9\"}", ExitCode.Failure, "api/v1/reports/hosts/h-9: 404 no host h-9")]
    public void A_refused_change_or_report_is_one_line_naming_the_request(string command, int status, string body, ExitCode expected, string fragment)
    {
        using var server = new CannedServer(status, body);

        ToolResult result = InProcessSuture.Run(["fleet", .. command.Split(' '), "--server", server.Address, "--token", "t"]);

        CliAssert.OneLineError(result, expected, fragment, quiet: true);
    }

    [Fact]
    public void A_report_whose_pages_lead_back_is_refused_instead_of_followed_for_ever()
    {
        using var server = new CannedServer(200, "[]", headers: "Link: </api/v1/reports/hosts>; rel=\"next\"\r\n");

        ToolResult result = InProcessSuture.Run("fleet", "report", "host", "--server", server.Address, "--token", "t");

        CliAssert.OneLineError(result, ExitCode.Failure, "api/v1/reports/hosts: the server's pages lead back to /api/v1/reports/hosts; is it a suture-server of protocol version", quiet: true);
    }
}
