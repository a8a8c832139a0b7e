using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Suture.Server.Configuration;

namespace Suture.Server.Tls;

/// <summary>
/// The server's TLS certificate: the operator's (<c>Suture:Certificate:Path</c>), or one generated at
/// first start (ECDSA P-256, self-signed, 10 years, names: localhost, the host name, loopback
/// addresses) and kept in DATA/tls/server.pfx (mode 0600) so its pin stays the same.
/// </summary>
internal static class ServerCertificate
{
    public static X509Certificate2 Load(ServerSettings settings, TimeProvider time, Action<string> say)
    {
        if (settings.CertificatePath is { } path)
        {
            try
            {
                return settings.CertificateKeyPath is { } keyPath
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new ServerConfigurationException($"Suture:Certificate:Path: cannot load '{path}': {e.Message}");
            }
        }

        string file = Path.Combine(settings.DataDirectory, "tls", "server.pfx");
        if (File.Exists(file))
        {
            try
            {
                return X509CertificateLoader.LoadPkcs12FromFile(file, password: null);
            }
            catch (CryptographicException e)
            {
                throw new ServerConfigurationException($"{file}: the generated certificate does not load ({e.Message}); move it away to generate a new one (agents must then be given the new pin)");
            }
        }

        using X509Certificate2 created = Create(time.GetUtcNow());
        byte[] pfx = created.Export(X509ContentType.Pkcs12);
        PrivateFile.Write(file, pfx);

        say($"suture-server: created a self-signed certificate in {file}");
        return X509CertificateLoader.LoadPkcs12(pfx, password: null);
    }

    private static X509Certificate2 Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string name = Dns.GetHostName();
        var request = new CertificateRequest($"CN={name}, O=suture-server", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        if (name != "localhost")
        {
            names.AddDnsName(name);
        }

        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
    }
}
