using System.Net;
using System.Net.Sockets;
using Suture.Protocol.Client;
using Suture.TestSupport;

namespace Suture.Protocol.Tests;

/// <summary>
/// The protocol's one client connection (used by the agent and by <c>suture fleet</c>) against
/// real listeners on loopback: a certificate that is not the pinned one, the pinned one in any
/// spelling, nothing listening, a listener that never answers, refusals with and without problem
/// details, answers that are not the protocol's JSON, and a cancellation that stays one. The
/// words are the caller's (<see cref="Words"/> marks each kind); what is checked is which failure
/// it is, what it carries and its exit code.
/// </summary>
public sealed class ServerConnectionTests
{
    private const string Registered = "{\"hostId\":\"h-1\",\"hostToken\":\"suth_secret\",\"feed\":\"production\",\"checkInIntervalSeconds\":3600}";

    [Fact]
    public void A_certificate_that_is_not_the_pinned_one_is_refused_before_any_request()
    {
        using var server = new CannedServer(200, Registered, tls: true);
        using var connection = Connect(server.Address, pin: "sha256:" + new string('c', 64));

        SutureException e = Assert.Throws<SutureException>(() => Get(connection));

        Assert.Equal($"unreachable|register|{Words.Certificate}", e.Message);
        Assert.Equal(ExitCode.Failure, e.ExitCode);
        Assert.Equal(0, server.Requests);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void The_pinned_certificate_is_accepted_in_any_spelling_of_its_pin(bool upper, bool colons)
    {
        using var server = new CannedServer(200, Registered, tls: true);
        string hex = CertificatePin.Of(server.Certificate!)[CertificatePin.Prefix.Length..];
        hex = upper ? hex.ToUpperInvariant() : hex;
        hex = colons ? string.Join(':', hex.Chunk(2).Select(pair => new string(pair))) : hex;
        using var connection = Connect(server.Address, pin: "SHA256:" + hex);

        RegistrationResponse registered = Get(connection);

        Assert.Equal("h-1", registered.HostId);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public void A_self_signed_certificate_without_a_pin_is_refused_by_the_system_cas()
    {
        using var server = new CannedServer(200, Registered, tls: true);
        using var connection = Connect(server.Address, pin: null);

        SutureException e = Assert.Throws<SutureException>(() => Get(connection));

        Assert.Equal($"unreachable|register|{Words.Certificate}", e.Message);
    }

    [Fact]
    public void A_server_that_is_down_is_unreachable_with_the_connection_error()
    {
        string closed = CannedServer.ClosedAddress();
        using var connection = Connect(closed, pin: null);

        SutureException e = Assert.Throws<SutureException>(() => Get(connection));

        Assert.StartsWith("unreachable|register|", e.Message, StringComparison.Ordinal);
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ExitCode.Failure, e.ExitCode);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public void A_server_that_accepts_but_never_answers_is_no_answer_within_the_timeout()
    {
        // Started and never accepting: the kernel completes the connection, nobody reads the request.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var connection = Connect($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", pin: null, timeout: TimeSpan.FromMilliseconds(500));

            SutureException e = Assert.Throws<SutureException>(() => Get(connection));

            Assert.Equal("no answer|register|0.5", e.Message);
            Assert.Equal(ExitCode.Failure, e.ExitCode);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void A_cancelled_request_is_a_cancellation_not_a_failure_of_the_server()
    {
        using var server = new CannedServer(200, Registered);
        using var connection = Connect(server.Address, pin: null);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/register");

        Assert.ThrowsAny<OperationCanceledException>(() => connection.Send(request, "register", cancel: cancel.Token));
    }

    [Theory]
    [InlineData(401, "{\"type\":\"urn:suture:problem:unauthorized\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"unknown registration key\"}", ExitCode.PermissionDenied, "Unauthorized", "Unauthorized", "unknown registration key")]
    [InlineData(403, "{\"title\":\"Forbidden\",\"status\":403}", ExitCode.PermissionDenied, "Forbidden", "Forbidden", null)]
    [InlineData(404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no feed 'production'\"}", ExitCode.Failure, "NotFound", "Not Found", "no feed 'production'")]
    [InlineData(500, "<html>proxy error</html>", ExitCode.Failure, "InternalServerError", null, null)]
    [InlineData(503, "", ExitCode.Failure, "ServiceUnavailable", null, null)]
    public void A_refusal_carries_its_status_reason_and_problem_details(int status, string body, ExitCode expected, string reason, string? title, string? detail)
    {
        using var server = new CannedServer(status, body, contentType: "application/problem+json");
        using var connection = Connect(server.Address, pin: null);

        SutureException e = Assert.Throws<SutureException>(() => Get(connection));

        Assert.Equal($"refused|register|{status}|{reason}|{title}|{detail}", e.Message);
        Assert.Equal(expected, e.ExitCode);
    }

    [Theory]
    [InlineData("<html>a web server</html>", "not protocol|register|'<' is an invalid start of a value")]
    [InlineData("{\"hostId\":", "not protocol|register|")]
    [InlineData("null", "null|register")]
    public void An_answer_that_is_not_the_protocols_json_is_named(string body, string expected)
    {
        using var server = new CannedServer(200, body);
        using var connection = Connect(server.Address, pin: null);

        SutureException e = Assert.Throws<SutureException>(() => Get(connection));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.Failure, e.ExitCode);
    }

    [Theory]
    [InlineData("https://fleet.example:8443", true)]
    [InlineData("http://127.0.0.1:1", true)]
    [InlineData("ftp://fleet.example", false)]
    [InlineData("fleet.example:8443", false)]
    [InlineData("/api/v1", false)]
    public void Only_absolute_http_and_https_addresses_parse(string server, bool valid)
    {
        Assert.Equal(valid, ServerConnection.TryParseAddress(server, out Uri? address));
        Assert.Equal(valid, address is not null);
    }

    [Fact]
    public void A_malformed_pin_is_the_callers_error()
    {
        Assert.Throws<ArgumentException>(() => Connect("https://127.0.0.1:1", pin: "sha256:12"));
    }

    private static ServerConnection Connect(string address, string? pin, TimeSpan? timeout = null) =>
        new(new Uri(address), pin, token: "t", timeout ?? TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20), new Words());

    private static RegistrationResponse Get(ServerConnection connection)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/register");
        using HttpResponseMessage response = connection.Send(request, "register");
        return connection.Read(response, ProtocolJsonContext.Default.RegistrationResponse, "register");
    }

    /// <summary>Words that say which failure it was and what it was given.</summary>
    private sealed class Words : IServerMessages
    {
        public const string Certificate = "certificate refused";

        public string CertificateRefused => Certificate;

        public string Unreachable(string subject, string reason) => $"unreachable|{subject}|{reason}";

        public string NoAnswer(string subject, TimeSpan timeout) => FormattableString.Invariant($"no answer|{subject}|{timeout.TotalSeconds}");

        public string Refused(string subject, ServerRefusal refusal) =>
            FormattableString.Invariant($"refused|{subject}|{refusal.Status}|{refusal.ReasonPhrase}|{refusal.Problem?.Title}|{refusal.Problem?.Detail}");

        public string NotProtocol(string subject, string problem) => $"not protocol|{subject}|{problem}";

        public string AnsweredNull(string subject) => $"null|{subject}";
    }
}
