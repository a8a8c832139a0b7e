using System.Net.Http.Json;
using System.Security.Authentication;
using Suture.Protocol;
using Suture.Server.Configuration;
using Suture.TestSupport;

namespace Suture.Server.Tests;

/// <summary>TLS by default: a generated certificate kept across restarts, pinning, plain HTTP only on loopback when asked.</summary>
public sealed class TlsTests
{
    private static readonly SqliteDatabase Sqlite = new();

    [Fact]
    public async Task The_generated_certificate_is_kept_across_restarts_and_its_pin_is_printed()
    {
        using var data = new TempDirectory("suture-server");
        string pin;
        await using (ServerUnderTest first = await ServerUnderTest.StartAsync(Sqlite, dataDirectory: data.Path))
        {
            pin = first.Pin!;
            Assert.Matches("^sha256:[0-9a-f]{64}$", pin);
            Assert.Contains(first.Output, l => l.Contains("self-signed certificate", StringComparison.Ordinal));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data.Path, "tls", "server.pfx")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data.Path, "admin-token")));
            await first.FeedAsync("production");
        }

        await using ServerUnderTest second = await ServerUnderTest.StartAsync(Sqlite, dataDirectory: data.Path);

        Assert.Equal(pin, second.Pin);
        Assert.DoesNotContain(second.Output, l => l.Contains("self-signed", StringComparison.Ordinal) || l.Contains("admin token", StringComparison.Ordinal));
        Assert.Single(await (await second.Client(File.ReadAllText(Path.Combine(data.Path, "admin-token")).Trim()).GetAsync("/api/v1/feeds")).ReadAsync<IReadOnlyList<Protocol.Admin.FeedInfo>>());
    }

    [Fact]
    public async Task A_client_pinned_to_another_certificate_does_not_connect()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(Sqlite);
        HttpClient wrong = s.Client(s.AdminToken, pin: "sha256:" + new string('a', 64));

        HttpRequestException e = await Assert.ThrowsAsync<HttpRequestException>(() => wrong.GetAsync("/api/v1/feeds"));

        Assert.IsType<AuthenticationException>(e.InnerException);
        Assert.Equal(CertificatePin.Normalize(s.Pin!.ToUpperInvariant().Replace("SHA256:", "", StringComparison.Ordinal)), s.Pin);
    }

    [Fact]
    public async Task Plain_HTTP_is_refused_unless_allowed_and_then_only_on_loopback()
    {
        ServerConfigurationException notAllowed = await Assert.ThrowsAsync<ServerConfigurationException>(() =>
            ServerUnderTest.StartAsync(Sqlite, new() { ["Suture:Listen"] = "http://127.0.0.1:0" }));
        ServerConfigurationException notLoopback = await Assert.ThrowsAsync<ServerConfigurationException>(() =>
            ServerUnderTest.StartAsync(Sqlite, new() { ["Suture:Listen"] = "http://0.0.0.0:0", ["Suture:AllowPlainHttp"] = "true" }));
        Assert.Contains("AllowPlainHttp", notAllowed.Message);
        Assert.Contains("loopback", notLoopback.Message);

        using var data = new TempDirectory("suture-server");
        await using Microsoft.AspNetCore.Builder.WebApplication app = ServerApp.Build(
            [$"--Suture:DataDirectory={data.Path}", "--Suture:Listen=http://127.0.0.1:0", "--Suture:AllowPlainHttp=true", "--Logging:LogLevel:Default=Warning"], say: _ => { });
        await ServerApp.PrepareAsync(app, _ => { }, CancellationToken.None);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(ServerApp.Addresses(app).Single()) };
        Assert.StartsWith("http://127.0.0.1:", client.BaseAddress.ToString());
        Assert.Equal("ok\n", await client.GetStringAsync("/healthz"));
        Assert.False(File.Exists(Path.Combine(data.Path, "tls", "server.pfx")));
        await app.StopAsync();
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_protocol_endpoints()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(Sqlite);

        string document = await s.Anonymous.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/v1/checkin", document);
        Assert.Contains("/api/v1/register", document);
        Assert.Contains("/api/v1/feeds/{name}/patches/{sha256}/undeploy-down-to", document);
        _ = typeof(JsonContent);
    }
}
