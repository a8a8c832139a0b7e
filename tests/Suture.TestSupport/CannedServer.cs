using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Suture.TestSupport;

/// <summary>
/// A loopback HTTP server (HTTPS with a self-signed certificate when asked) that answers every
/// request with one fixed status and body: what a client meets when the address is not a
/// suture-server, or one that refuses. For the error paths of <c>fleet</c> and <c>agent</c>
/// (Suture.Cli.Tests) and of the protocol's client (Suture.Protocol.Tests); the real server's
/// answers are tested against the real server in Suture.Server.Tests and Suture.Agent.Tests.
/// </summary>
public sealed class CannedServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly int _status;
    private readonly byte[] _body;
    private readonly string _contentType;
    private readonly string _headers;
    private int _requests;

    /// <param name="headers">More header lines of every answer (e.g. a <c>Link</c>), each ending in CRLF.</param>
    public CannedServer(int status, string body, string contentType = "application/json", bool tls = false, string headers = "")
    {
        _status = status;
        _headers = headers;
        _body = Encoding.UTF8.GetBytes(body);
        _contentType = contentType;
        if (tls)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
            _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        }

        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Address => $"{(_certificate is null ? "http" : "https")}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The server's self-signed certificate, with <c>tls</c>; null without.</summary>
    public X509Certificate2? Certificate => _certificate;

    /// <summary>Requests answered in full (a TLS handshake the client broke off is none).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>An address on loopback where nothing listens (connection refused).</summary>
    public static string ClosedAddress()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
        _certificate?.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await AnswerAsync(client.GetStream());
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                {
                    // the client broke off (a refused certificate): nothing to answer
                }
            }
        }
    }

    private async Task AnswerAsync(Stream network)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        Stream stream = network;
        if (_certificate is not null)
        {
            var tls = new SslStream(network);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token);
            stream = tls;
        }

        await using (stream)
        {
            int length = await ReadHeadersAsync(stream, timeout.Token);
            byte[] body = new byte[length];
            await stream.ReadExactlyAsync(body, timeout.Token);
            string head = $"HTTP/1.1 {_status} {((HttpStatusCode)_status)}\r\nContent-Type: {_contentType}\r\nContent-Length: {_body.Length}\r\n{_headers}Connection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
            await stream.WriteAsync(_body, timeout.Token);
            await stream.FlushAsync(timeout.Token);
            Interlocked.Increment(ref _requests);
        }
    }

    /// <summary>Reads the request line and headers; the request body's Content-Length (0 without one).</summary>
    private static async Task<int> ReadHeadersAsync(Stream stream, CancellationToken cancel)
    {
        var headers = new List<byte>();
        byte[] one = new byte[1];
        while (headers.Count < 4 || headers[^4] != '\r' || headers[^3] != '\n' || headers[^2] != '\r' || headers[^1] != '\n')
        {
            if (await stream.ReadAsync(one, cancel) == 0 || headers.Count > 64 * 1024)
            {
                throw new IOException("the request ended inside its headers");
            }

            headers.Add(one[0]);
        }

        foreach (string line in Encoding.ASCII.GetString([.. headers]).Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
