using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Suture.Protocol.Client;

/// <summary>
/// The one HTTP connection to <c>suture-server</c>, for the agent and the admin CLI alike. With a
/// pin, exactly the server certificate whose SHA-256 is the pin is accepted (no CA involved, a
/// CA-signed impostor is refused too); without one, the system's CAs validate the chain as usual.
/// Every request carries the protocol version and, when given, the bearer token. Every failure
/// (no connection, a refused certificate, no answer in time, a refusal with or without problem
/// details, an answer that is not the protocol's JSON) becomes one <see cref="SutureException"/>
/// in the caller's words (<see cref="IServerMessages"/>) with its exit code. Synchronous on
/// purpose: both callers make one request at a time on one thread.
/// </summary>
public sealed class ServerConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly IServerMessages _messages;

    /// <param name="address">The server's base address (http or https; see <see cref="TryParseAddress"/>).</param>
    /// <param name="pin">The certificate pin in any form <see cref="CertificatePin.Normalize"/> takes, or null for the system's CAs.</param>
    /// <param name="token">The bearer token, or null.</param>
    /// <param name="requestTimeout">How long one request may take, answer included.</param>
    /// <param name="connectTimeout">How long the TCP connection and TLS handshake may take (<see cref="Timeout.InfiniteTimeSpan"/>: the request's limit only).</param>
    /// <param name="messages">The words of the failures.</param>
    public ServerConnection(Uri address, string? pin, string? token, TimeSpan requestTimeout, TimeSpan connectTimeout, IServerMessages messages)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(messages);
        string? expected = pin is null
            ? null
            : CertificatePin.Normalize(pin) ?? throw new ArgumentException($"'{pin}' is not a certificate pin (sha256: and 64 hex digits)", nameof(pin));

        var handler = new SocketsHttpHandler { UseCookies = false, ConnectTimeout = connectTimeout };
        if (expected is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && CertificatePin.Matches(c, expected),
            };
        }

        _messages = messages;
        _http = new HttpClient(handler) { BaseAddress = address, Timeout = requestTimeout };
        _http.DefaultRequestHeaders.Add(ProtocolVersion.HeaderName, ProtocolVersion.Current.ToString(CultureInfo.InvariantCulture));
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri Address => _http.BaseAddress!;

    public TimeSpan Timeout => _http.Timeout;

    /// <summary>Whether <paramref name="server"/> is an absolute http:// or https:// address.</summary>
    public static bool TryParseAddress(string server, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? address)
    {
        if (Uri.TryCreate(server, UriKind.Absolute, out address) && address.Scheme is "https" or "http")
        {
            return true;
        }

        address = null;
        return false;
    }

    /// <summary>
    /// Sends <paramref name="request"/> (the caller disposes it) and gives back a success; anything
    /// else throws in the caller's words. A cancellation of <paramref name="cancel"/> is not a
    /// failure of the server: it propagates as <see cref="OperationCanceledException"/>.
    /// </summary>
    public HttpResponseMessage Send(HttpRequestMessage request, string subject, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancel = default)
    {
        HttpResponseMessage response;
        try
        {
            response = _http.Send(request, completion, cancel);
        }
        catch (HttpRequestException e)
        {
            string reason = e.InnerException is AuthenticationException ? _messages.CertificateRefused : e.Message;
            throw new SutureException(_messages.Unreachable(subject, reason), ExitCode.Failure, e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new SutureException(_messages.NoAnswer(subject, _http.Timeout), ExitCode.Failure, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var refusal = new ServerRefusal((int)response.StatusCode, response.ReasonPhrase, Problem(response));
            throw new SutureException(_messages.Refused(subject, refusal), refusal.ExitCode);
        }
    }

    /// <summary>The body of a success as <typeparamref name="T"/>, through the protocol's source-generated contract.</summary>
    public T Read<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string subject)
    {
        ArgumentNullException.ThrowIfNull(response);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(response.Content.ReadAsStream(), type);
        }
        catch (JsonException e)
        {
            throw new SutureException(_messages.NotProtocol(subject, e.Message), ExitCode.Failure, e);
        }

        return value ?? throw new SutureException(_messages.AnsweredNull(subject), ExitCode.Failure);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The problem details of a refusal, or null when its body is none (a proxy's page, nothing).</summary>
    private static ProblemResponse? Problem(HttpResponseMessage response)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Content.ReadAsStream(), ProtocolJsonContext.Default.ProblemResponse);
        }
        catch (JsonException)
        {
            return null; // not a problem document: the status line says it
        }
    }
}
