using System.Text.Json.Serialization.Metadata;
using Suture.Cli.Output;
using Suture.Protocol;
using Suture.Protocol.Client;

namespace Suture.Cli.Fleet;

/// <summary>
/// The admin CLI's connection to <c>suture-server</c>: its REST API with a bearer token, JSON
/// through the protocol's source-generated contracts, the server's certificate accepted only if it
/// matches <c>--pin</c> (else the system's CAs), over the protocol's one <see cref="ServerConnection"/>.
/// Synchronous calls: the CLI does one request at a time. Failures become one
/// <see cref="SutureException"/> naming the request and the server's problem (<see cref="Messages"/>).
/// </summary>
internal sealed class FleetClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);
    private readonly ServerConnection _server;

    public FleetClient(string server, string? token, string? pin)
    {
        if (!ServerConnection.TryParseAddress(server, out Uri? uri))
        {
            throw new SutureException($"--server '{Printable.Text(server)}' is not an https:// address (e.g. https://fleet.example:8443)", ExitCode.Usage);
        }

        string? expected = CertificatePin.Normalize(pin);
        if (pin is not null && expected is null)
        {
            throw new SutureException($"--pin '{Printable.Text(pin)}' is not sha256: and 64 hex digits (suture-server prints it at start)", ExitCode.Usage);
        }

        _server = new ServerConnection(uri, expected, token, RequestTimeout, Timeout.InfiniteTimeSpan, new Messages(uri));
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
        using var reader = new StreamReader(answer.Content.ReadAsStream(ct));
        return reader.ReadToEnd();
    }

    public void Dispose() => _server.Dispose();

    private HttpResponseMessage Send(HttpMethod method, string path, string? accept, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return _server.Send(request, path, cancel: ct);
    }

    private T Read<T>(HttpResponseMessage answer, string path)
    {
        using (answer)
        {
            return _server.Read(answer, (JsonTypeInfo<T>)ProtocolJsonContext.Default.GetTypeInfo(typeof(T))!, path);
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

    /// <summary>The CLI's words: the server's address for a connection, the request path for an answer, the options as remedies.</summary>
    private sealed class Messages(Uri server) : IServerMessages
    {
        public string CertificateRefused => "the server's certificate is not the one --pin names (or, without --pin, not trusted by the system's CAs)";

        public string Unreachable(string subject, string reason) => $"{server}: cannot reach the server: {reason}";

        public string NoAnswer(string subject, TimeSpan timeout) => $"{server}: no answer within {timeout.TotalSeconds} s";

        public string Refused(string subject, ServerRefusal refusal)
        {
            string what = refusal.Problem?.Detail ?? refusal.Problem?.Title ?? refusal.ReasonPhrase ?? "no reason given";
            string remedy = refusal.Status switch
            {
                401 => " (give a valid token: --token or SUTURE_TOKEN)",
                403 => " (the token's role may not do this)",
                _ => "",
            };
            return $"{subject}: {refusal.Status} {what}{remedy}";
        }

        public string NotProtocol(string subject, string problem) =>
            $"{subject}: the server's answer is not what this suture understands ({problem}); is it a suture-server of protocol version {ProtocolVersion.Current}?";

        public string AnsweredNull(string subject) => NotProtocol(subject, "null");
    }
}
