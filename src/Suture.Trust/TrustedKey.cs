using System.Security.Cryptography;

namespace Suture.Trust;

/// <summary>A public key from a trust directory, with its id, the name its file gives and where it came from.</summary>
internal sealed record TrustedKey(string Id, string Name, byte[] SubjectPublicKeyInfo, string Path)
{
    /// <summary>Whether <paramref name="signature"/> (r || s) signs <paramref name="data"/> with this key.</summary>
    public bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Parses a <c>NAME.pub</c> file's text.</summary>
    /// <returns>Null with <paramref name="problem"/> set when it is not a P-256 public key whose id comment (if any) matches.</returns>
    public static TrustedKey? Parse(string text, string path, out string? problem)
    {
        var parsed = KeyFile.Parse(text, KeyFile.PublicLabel, out problem);
        if (parsed is null)
        {
            return null;
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(parsed.Value.Der, out int read);
            if (read != parsed.Value.Der.Length || !KeyFile.IsP256(key))
            {
                problem = "its key is not an ECDSA P-256 public key";
                return null;
            }
        }
        catch (CryptographicException e)
        {
            problem = $"its key does not decode ({e.Message.TrimEnd('.')})";
            return null;
        }

        string id = KeyId.Of(parsed.Value.Der);
        if (parsed.Value.ClaimedId is string claimed && claimed != id)
        {
            problem = $"its comment says key id {claimed}, but the key in it has id {id}";
            return null;
        }

        return new TrustedKey(id, parsed.Value.Name, parsed.Value.Der, path);
    }
}
