using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suture.Protocol;
using Suture.Protocol.Client;

namespace Suture.Agent.Server;

/// <summary>
/// The agent's side of the protocol (docs/protocol.md) over HTTPS, on the protocol's one
/// <see cref="ServerConnection"/>: with a pin, exactly the server certificate whose SHA-256 is the
/// pin is accepted (no CA involved, a CA-signed impostor is refused too); without one, the
/// system's CAs validate the chain as usual. Synchronous on purpose: the agent's loop is one
/// thread and no ptrace request is ever made across a wait here.
/// </summary>
internal sealed class ServerClient : IDisposable
{
    public const long MaxPatchBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);
    private readonly ServerConnection _connection;
    private readonly string _server;

    public ServerClient(string server, string? pin, string? token)
    {
        if (!ServerConnection.TryParseAddress(server, out Uri? address))
        {
            throw new SutureException($"server address '{server}' is not an http(s) URL; give it as https://HOST:PORT", ExitCode.Usage);
        }

        if (pin is not null && CertificatePin.Normalize(pin) is null)
        {
            throw new SutureException($"certificate pin '{pin}' is not sha256: and 64 hex digits; copy the pin suture-server printed at its first start", ExitCode.Usage);
        }

        _server = address.GetLeftPart(UriPartial.Authority);
        _connection = new ServerConnection(new Uri(_server), pin, token, RequestTimeout, ConnectTimeout, new Messages(_server));
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

        using var request = new HttpRequestMessage(HttpMethod.Get, relative);
        using HttpResponseMessage response = _connection.Send(request, "patch download", HttpCompletionOption.ResponseHeadersRead);
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

    public void Dispose() => _connection.Dispose();

    private TResponse Post<TRequest, TResponse>(string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, string what)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        using var message = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        using HttpResponseMessage response = _connection.Send(message, what, HttpCompletionOption.ResponseHeadersRead);
        return _connection.Read(response, responseType, what);
    }

    /// <summary>The agent's words: the step (registration, check-in, patch download) and the server, with what to check.</summary>
    private sealed class Messages(string server) : IServerMessages
    {
        public string CertificateRefused => "its TLS certificate was refused (not the pinned one, or not valid for the system's CAs without a pin); check --pin against what suture-server printed";

        public string Unreachable(string subject, string reason) => $"{subject}: cannot reach the server {server}: {reason}";

        public string NoAnswer(string subject, TimeSpan timeout) => $"{subject}: the server {server} did not answer within {timeout.TotalSeconds:0} s; check it is up and reachable";

        public string Refused(string subject, ServerRefusal refusal) =>
            $"{subject} refused by {server}: {refusal.Status} {(refusal.Problem is { } problem ? $"{problem.Title}: {problem.Detail}" : refusal.ReasonPhrase)}";

        public string NotProtocol(string subject, string problem) =>
            $"{subject} at {server}: the answer is not the protocol's JSON ({problem}); is {server} a suture-server of protocol {ProtocolVersion.Current}?";

        public string AnsweredNull(string subject) => $"{subject} at {server}: the server answered null";
    }
}
