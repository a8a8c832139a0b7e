using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Suture.Protocol;

/// <summary>
/// A server certificate pin: <c>sha256:</c> + the SHA-256 of the certificate (DER), 64 hex digits,
/// colons allowed (what <c>openssl x509 -noout -fingerprint -sha256</c> prints, after the <c>=</c>).
/// The server prints it at start; agents compare the certificate the server presents with it.
/// </summary>
public static class CertificatePin
{
    public const string Prefix = "sha256:";

    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
    }

    /// <summary>The pin in its canonical form, or null if it is not one.</summary>
    public static string? Normalize(string? pin)
    {
        if (pin is null)
        {
            return null;
        }

        string hex = pin.Trim();
        if (hex.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[Prefix.Length..];
        }

        hex = hex.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        return hex.Length == 64 && hex.All(Uri.IsHexDigit) ? Prefix + hex : null;
    }

    /// <summary>Whether <paramref name="certificate"/> is the pinned one (constant-time comparison).</summary>
    public static bool Matches(X509Certificate2? certificate, string pin)
    {
        string? expected = Normalize(pin) ?? throw new ArgumentException($"'{pin}' is not a certificate pin (sha256: and 64 hex digits)", nameof(pin));
        if (certificate is null)
        {
            return false;
        }

        byte[] actual = System.Text.Encoding.ASCII.GetBytes(Of(certificate));
        return CryptographicOperations.FixedTimeEquals(actual, System.Text.Encoding.ASCII.GetBytes(expected));
    }
}
