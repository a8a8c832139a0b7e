using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suture.Protocol;

namespace Suture.Agent.Server;

/// <summary>
/// The agent's side of the protocol (docs/protocol.md) over HTTPS. With a pin, exactly the server
/// certificate whose SHA-256 is the pin is accepted (no CA involved, a CA-signed impostor is
/// refused too); without one, the system's CAs validate the chain as usual. Synchronous on
/// purpose: the agent's loop is one thread and no ptrace request is ever made across a wait here.
/// </summary>
internal sealed class ServerClient : IDisposable
{
    public const long MaxPatchBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http;
    private readonly string _server;

    public ServerClient(string server, string? pin, string? token)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out Uri? address) || address.Scheme is not ("https" or "http"))
        {
            throw new SutureException($"server address '{server}' is not an http(s) URL; give it as https://HOST:PORT", ExitCode.Usage);
        }

        string? expected = null;
        if (pin is not null)
        {
            expected = CertificatePin.Normalize(pin)
                ?? throw new SutureException($"certificate pin '{pin}' is not sha256: and 64 hex digits; copy the pin suture-server printed at its first start", ExitCode.Usage);
        }

        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(20) };
        if (expected is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && CertificatePin.Matches(c, expected),
            };
        }

        _server = address.GetLeftPart(UriPartial.Authority);
        _http = new HttpClient(handler) { BaseAddress = new Uri(_server), Timeout = RequestTimeout };
        _http.DefaultRequestHeaders.Add(ProtocolVersion.HeaderName, ProtocolVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public RegistrationResponse Register(RegistrationRequest request) =>
        Post($"{ProtocolVersion.PathPrefix}/register", request, ProtocolJsonContext.Default.RegistrationRequest, ProtocolJsonContext.Default.RegistrationResponse, "registration");

    public CheckInResponse CheckIn(CheckInRequest request) =>
        Post($"{ProtocolVersion.PathPrefix}/checkin", request, ProtocolJsonContext.Default.CheckInRequest, ProtocolJsonContext.Default.CheckInResponse, "check-in");

    /// <summary>A patch file named by a directive (its URL relative to the server's base address).</summary>
    public byte[] Download(string url, long expectedSize)
    {
        if (expectedSize is < 0 or > MaxPatchBytes)
        {
            throw new SutureException($"the server names a patch of {expectedSize} bytes at {url}; the agent takes at most {MaxPatchBytes}", ExitCode.CorruptPatch);
        }

        if (!Uri.TryCreate(url, UriKind.Relative, out Uri? relative) || !url.StartsWith('/'))
        {
            throw new SutureException($"the server names the patch URL '{url}', which is not a path on the server; refusing it", ExitCode.Failure);
        }

        using HttpResponseMessage response = Send(() => new HttpRequestMessage(HttpMethod.Get, relative), "patch download");
        using Stream body = response.Content.ReadAsStream();
        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = body.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > expectedSize)
            {
                throw new SutureException($"the patch at {_server}{url} is longer than the {expectedSize} bytes the server named; refusing it", ExitCode.Untrusted);
            }
        }

        return buffer.ToArray();
    }

    public void Dispose() => _http.Dispose();

    private TResponse Post<TRequest, TResponse>(string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, string what)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        using HttpResponseMessage response = Send(() => new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        }, what);
        try
        {
            return JsonSerializer.Deserialize(response.Content.ReadAsStream(), responseType)
                ?? throw new SutureException($"{what} at {_server}: the server answered null", ExitCode.Failure);
        }
        catch (JsonException e)
        {
            throw new SutureException($"{what} at {_server}: the answer is not the protocol's JSON ({e.Message}); is {_server} a suture-server of protocol {ProtocolVersion.Current}?", ExitCode.Failure, e);
        }
    }

    private HttpResponseMessage Send(Func<HttpRequestMessage> request, string what)
    {
        HttpResponseMessage response;
        try
        {
            using HttpRequestMessage message = request();
            response = _http.Send(message, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (HttpRequestException e)
        {
            string reason = e.InnerException is System.Security.Authentication.AuthenticationException
                ? "its TLS certificate was refused (not the pinned one, or not valid for the system's CAs without a pin); check --pin against what suture-server printed"
                : e.Message;
            throw new SutureException($"{what}: cannot reach the server {_server}: {reason}", ExitCode.Failure, e);
        }
        catch (TaskCanceledException e)
        {
            throw new SutureException($"{what}: the server {_server} did not answer within {RequestTimeout.TotalSeconds:0} s; check it is up and reachable", ExitCode.Failure, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string detail = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            try
            {
                ProblemResponse? problem = JsonSerializer.Deserialize(response.Content.ReadAsStream(), ProtocolJsonContext.Default.ProblemResponse);
                if (problem is not null)
                {
                    detail = $"{(int)response.StatusCode} {problem.Title}: {problem.Detail}";
                }
            }
            catch (JsonException)
            {
                // not a problem document: the status line says it
            }

            ExitCode code = (int)response.StatusCode is 401 or 403 ? ExitCode.PermissionDenied : ExitCode.Failure;
            throw new SutureException($"{what} refused by {_server}: {detail}", code);
        }
    }
}
