using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suture.Cli.Output;
using Suture.Protocol;

namespace Suture.Cli.Fleet;

/// <summary>
/// The admin CLI's connection to <c>suture-server</c>: its REST API with a bearer token, JSON
/// through the protocol's source-generated contracts, the server's certificate accepted only if it
/// matches <c>--pin</c> (else the system's CAs). Synchronous calls: the CLI does one request at a time.
/// Failures become one <see cref="SutureException"/> naming the request and the server's problem.
/// </summary>
internal sealed class FleetClient : IDisposable
{
    private readonly HttpClient _http;

    public FleetClient(string server, string? token, string? pin)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new SutureException($"--server '{Printable.Text(server)}' is not an https:// address (e.g. https://fleet.example:8443)", ExitCode.Usage);
        }

        string? expected = CertificatePin.Normalize(pin);
        if (pin is not null && expected is null)
        {
            throw new SutureException($"--pin '{Printable.Text(pin)}' is not sha256: and 64 hex digits (suture-server prints it at start)", ExitCode.Usage);
        }

        var handler = new SocketsHttpHandler { UseCookies = false };
        if (expected is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && CertificatePin.Matches(c, expected),
            };
        }

        _http = new HttpClient(handler) { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.Add(ProtocolVersion.HeaderName, ProtocolVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>Interruption of the command (SIGINT/SIGTERM), for calls that are not given one.</summary>
    public CancellationToken Cancellation { get; init; }

    public T Get<T>(string path, CancellationToken ct) => Read<T>(Send(HttpMethod.Get, path, null, ct), path);

    public T Post<T>(string path, CancellationToken ct) => Read<T>(Send(HttpMethod.Post, path, null, ct), path);

    /// <summary>
    /// A report and every further page the server names in its <c>Link: &lt;…&gt;; rel="next"</c>
    /// header, joined with <paramref name="merge"/>.
    /// </summary>
    public T GetPaged<T>(string path, Func<T, T, T> merge, CancellationToken ct)
    {
        T value = default!;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (string? next = path; next is not null;)
        {
            if (!seen.Add(next))
            {
                throw new SutureException($"{path}: the server's pages lead back to {next}; is it a suture-server of protocol version {ProtocolVersion.Current}?", ExitCode.Failure);
            }

            HttpResponseMessage answer = Send(HttpMethod.Get, next, null, ct);
            string? link = NextLink(answer);
            T page = Read<T>(answer, next);
            value = next == path ? page : merge(value, page);
            next = link;
        }

        return value;
    }

    /// <summary>The body as text (CSV reports).</summary>
    public string GetText(string path, string accept, CancellationToken ct)
    {
        using HttpResponseMessage answer = Send(HttpMethod.Get, path, accept, ct);
        string body = Body(answer);
        Check(answer, body, path);
        return body;
    }

    public void Dispose() => _http.Dispose();

    private HttpResponseMessage Send(HttpMethod method, string path, string? accept, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        try
        {
            return _http.Send(request, ct);
        }
        catch (HttpRequestException e)
        {
            string why = e.InnerException is System.Security.Authentication.AuthenticationException
                ? "the server's certificate is not the one --pin names (or, without --pin, not trusted by the system's CAs)"
                : e.Message;
            throw new SutureException($"{_http.BaseAddress}: cannot reach the server: {why}", ExitCode.Failure);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SutureException($"{_http.BaseAddress}: no answer within {_http.Timeout.TotalSeconds} s", ExitCode.Failure);
        }
    }

    private static T Read<T>(HttpResponseMessage answer, string path)
    {
        using (answer)
        {
            string body = Body(answer);
            Check(answer, body, path);
            var info = (JsonTypeInfo<T>)ProtocolJsonContext.Default.GetTypeInfo(typeof(T))!;
            try
            {
                return JsonSerializer.Deserialize(body, info) ?? throw new JsonException("null");
            }
            catch (JsonException e)
            {
                throw new SutureException($"{path}: the server's answer is not what this suture understands ({e.Message}); is it a suture-server of protocol version {ProtocolVersion.Current}?", ExitCode.Failure);
            }
        }
    }

    /// <summary>The path of the <c>rel="next"</c> link, or null on the last page.</summary>
    private static string? NextLink(HttpResponseMessage answer)
    {
        foreach (string link in answer.Headers.TryGetValues("Link", out var values) ? values : [])
        {
            foreach (string part in link.Split(','))
            {
                int open = part.IndexOf('<', StringComparison.Ordinal), close = part.IndexOf('>', StringComparison.Ordinal);
                if (open >= 0 && close > open && part[close..].Contains("rel=\"next\"", StringComparison.Ordinal) && part[(open + 1)..close] is ['/', ..] target)
                {
                    return target;
                }
            }
        }

        return null;
    }

    private static string Body(HttpResponseMessage answer)
    {
        using var reader = new StreamReader(answer.Content.ReadAsStream());
        return reader.ReadToEnd();
    }

    private static void Check(HttpResponseMessage answer, string body, string path)
    {
        if (answer.IsSuccessStatusCode)
        {
            return;
        }

        ProblemResponse? problem = null;
        try
        {
            problem = JsonSerializer.Deserialize(body, ProtocolJsonContext.Default.ProblemResponse);
        }
        catch (JsonException)
        {
        }

        int status = (int)answer.StatusCode;
        string what = problem?.Detail ?? problem?.Title ?? answer.ReasonPhrase ?? "no reason given";
        string remedy = answer.StatusCode switch
        {
            HttpStatusCode.Unauthorized => " (give a valid token: --token or SUTURE_TOKEN)",
            HttpStatusCode.Forbidden => " (the token's role may not do this)",
            _ => "",
        };
        throw new SutureException(
            $"{path}: {status} {what}{remedy}",
            answer.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? ExitCode.PermissionDenied : ExitCode.Failure);
    }
}
