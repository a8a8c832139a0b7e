using System.Security.Cryptography;

namespace Suture.Trust;

/// <summary>
/// The text form of suture's key files: comment lines naming the key (<c># id: …</c>,
/// <c># name: …</c>) and one PEM block, <c>PRIVATE KEY</c> (PKCS#8) in <c>NAME.key</c> or
/// <c>PUBLIC KEY</c> (SubjectPublicKeyInfo) in <c>NAME.pub</c>. Only the PEM block is key
/// material; the id is recomputed from it and must match the comment.
/// </summary>
internal static class KeyFile
{
    public const string PrivateLabel = "PRIVATE KEY";
    public const string PublicLabel = "PUBLIC KEY";
    private const string P256Oid = "1.2.840.10045.3.1.7";

    public static string Format(string label, string keyId, string name, byte[] der) =>
        $"# suture {(label == PrivateLabel ? "signing key: keep it secret (mode 0600), never install it on hosts" : "public key: install it in a trust directory (/etc/suture/trusted-keys/)")}\n"
        + $"# id: {keyId}\n# name: {name}\n" + new string(PemEncoding.Write(label, der)) + "\n";

    /// <summary>The DER of the file's one PEM block with <paramref name="label"/>, and the name its comment gives.</summary>
    /// <returns>Null with <paramref name="problem"/> set when the text is not such a file.</returns>
    public static (byte[] Der, string Name, string? ClaimedId)? Parse(string text, string label, out string? problem)
    {
        if (!PemEncoding.TryFind(text, out PemFields fields))
        {
            problem = $"it holds no PEM block (-----BEGIN {label}-----)";
            return null;
        }

        string found = text[fields.Label];
        if (found != label)
        {
            problem = $"its PEM block is '{found}', not '{label}'";
            return null;
        }

        byte[] der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(text.AsSpan()[fields.Base64Data], der, out _))
        {
            problem = "its PEM block is not valid base64";
            return null;
        }

        string name = "";
        string? id = null;
        foreach (string line in text[..fields.Location.Start.Value].Split('\n'))
        {
            string trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith("# name:", StringComparison.Ordinal))
            {
                name = trimmed["# name:".Length..].Trim();
            }
            else if (trimmed.StartsWith("# id:", StringComparison.Ordinal))
            {
                id = trimmed["# id:".Length..].Trim();
            }
        }

        problem = null;
        return (der, name, id);
    }

    /// <summary>Whether the key is on NIST P-256, the one curve the signature format names.</summary>
    public static bool IsP256(ECDsa key) => key.ExportParameters(false).Curve.Oid.Value == P256Oid;
}
