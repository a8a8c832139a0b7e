using System.Net;

namespace Suture.Server.Configuration;

/// <summary>The address the server listens on: TLS unless plain HTTP is allowed and the address is loopback.</summary>
internal sealed record ListenAddress(IPAddress Address, int Port, bool Tls)
{
    public static ListenAddress Parse(ServerSettings settings)
    {
        string text = settings.Listen;
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/")
        {
            throw new ServerConfigurationException($"Suture:Listen: '{text}' is not https://ADDRESS:PORT (or http://127.0.0.1:PORT)");
        }

        string host = uri.Host.Trim('[', ']');
        IPAddress address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out IPAddress? parsed) ? parsed
            : throw new ServerConfigurationException($"Suture:Listen: '{uri.Host}' is not an IP address; give the address to listen on (0.0.0.0 for all)");
        bool tls = uri.Scheme == "https";
        if (!tls)
        {
            if (!settings.AllowPlainHttp)
            {
                throw new ServerConfigurationException($"Suture:Listen: '{text}' is plain HTTP; use https://, or set Suture:AllowPlainHttp=true (loopback addresses only)");
            }

            if (!IPAddress.IsLoopback(address))
            {
                throw new ServerConfigurationException($"Suture:Listen: plain HTTP is allowed only on a loopback address, not {address}; use https://");
            }
        }

        return new ListenAddress(address, uri.Port, tls);
    }
}
