using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Suture.Protocol;
using Suture.Server.Data;
using Suture.TestSupport;

namespace Suture.Server.Tests;

/// <summary>
/// A real suture-server on 127.0.0.1 (a free port, TLS with its generated certificate, pinned by
/// the clients), its own data directory and database, and a clock the test moves.
/// </summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    private readonly TempDirectory? _ownDirectory;
    private readonly List<HttpClient> _clients = [];

    private ServerUnderTest(WebApplication app, FakeTimeProvider time, string dataDirectory, TempDirectory? ownDirectory, List<string> output)
    {
        App = app;
        Time = time;
        DataDirectory = dataDirectory;
        _ownDirectory = ownDirectory;
        Output = output;
        BaseAddress = new Uri(ServerApp.Addresses(app).Single());
        Pin = app.Services.GetRequiredService<ServerIdentity>().CertificatePin;
        string tokenFile = Path.Combine(dataDirectory, "admin-token");
        AdminToken = File.Exists(tokenFile) ? File.ReadAllText(tokenFile).Trim() : "";
        Admin = Client(AdminToken);
        Anonymous = Client(null);
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public string DataDirectory { get; }

    public List<string> Output { get; }

    public Uri BaseAddress { get; }

    public string? Pin { get; }

    public string AdminToken { get; }

    public HttpClient Admin { get; }

    public HttpClient Anonymous { get; }

    public static async Task<ServerUnderTest> StartAsync(
        Database database, Dictionary<string, string>? settings = null, string? dataDirectory = null, FakeTimeProvider? time = null)
    {
        TempDirectory? own = dataDirectory is null ? new TempDirectory("suture-server") : null;
        string directory = dataDirectory ?? own!.Path;
        Dictionary<string, string> all = new()
        {
            ["Suture:DataDirectory"] = directory,
            ["Suture:Listen"] = "https://127.0.0.1:0",
            ["Suture:TrustDirectory"] = ServerTrust.Directory,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Suture:RateLimits:SignInsPerMinute"] = "1000", // tests sign in often; RateLimitTests set their own
        };
        foreach ((string k, string v) in await database.SettingsAsync())
        {
            all[k] = v;
        }

        foreach ((string k, string v) in settings ?? [])
        {
            all[k] = v;
        }

        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var output = new List<string>();
        WebApplication app = ServerApp.Build(
            [.. all.Select(kv => $"--{kv.Key}={kv.Value}")],
            time,
            line => { lock (output) { output.Add(line); } },
            builder => builder.Logging.ClearProviders().AddProvider(new ListLogger(output)));
        try
        {
            await ServerApp.PrepareAsync(app, line => { lock (output) { output.Add(line); } }, CancellationToken.None);
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            own?.Dispose();
            throw;
        }

        return new ServerUnderTest(app, time, directory, own, output);
    }

    /// <summary>A client that trusts exactly the server's certificate pin (or <paramref name="pin"/>).</summary>
    public HttpClient Client(string? token, string? pin = null, System.Net.CookieContainer? cookies = null)
    {
        string expected = pin ?? Pin ?? throw new InvalidOperationException("the server runs without TLS");
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is X509Certificate2 c && CertificatePin.Matches(c, expected),
            },
            CookieContainer = cookies ?? new System.Net.CookieContainer(),
        };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        client.DefaultRequestHeaders.Add(ProtocolVersion.HeaderName, "1");
        _clients.Add(client);
        return client;
    }

    /// <summary>Runs <paramref name="work"/> with the server's database context (e.g. to tamper with a row as an intruder would).</summary>
    public async Task WithDatabaseAsync(Func<ServerDb, Task> work)
    {
        using IServiceScope scope = App.Services.CreateScope();
        await work(scope.ServiceProvider.GetRequiredService<ServerDb>());
    }

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("SUTURE_SERVER_TEST_LOG") is { Length: > 0 } log)
        {
            lock (Output)
            {
                File.AppendAllLines(log, Output);
            }
        }

        foreach (HttpClient c in _clients)
        {
            c.Dispose();
        }

        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _ownDirectory?.Dispose();
    }
}

/// <summary>Keeps the server's warnings and errors, for a failing test's message.</summary>
internal sealed class ListLogger(List<string> lines) : Microsoft.Extensions.Logging.ILoggerProvider, Microsoft.Extensions.Logging.ILogger
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            lock (lines)
            {
                lines.Add($"{logLevel}: {formatter(state, exception)} {exception}");
            }
        }
    }

    public void Dispose()
    {
    }
}

/// <summary>JSON over the protocol's own source-generated contracts, as the agent and CLI will use them.</summary>
internal static class Json
{
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ProtocolJsonContext.Default.GetTypeInfo(typeof(T))!;
        return System.Text.Json.JsonSerializer.Deserialize(body, info)!;
    }

    public static async Task<ProblemResponse> ProblemAsync(this HttpResponseMessage response, int status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        ProblemResponse problem = System.Text.Json.JsonSerializer.Deserialize(body, ProtocolJsonContext.Default.ProblemResponse)!;
        Assert.Equal(status, problem.Status);
        Assert.False(string.IsNullOrEmpty(problem.Type), body);
        return problem;
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string path, T value) =>
        client.PostAsJsonAsync(path, value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ProtocolJsonContext.Default.GetTypeInfo(typeof(T))!);

    public static Task<HttpResponseMessage> PutJsonAsync<T>(this HttpClient client, string path, T value) =>
        client.PutAsJsonAsync(path, value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ProtocolJsonContext.Default.GetTypeInfo(typeof(T))!);
}
