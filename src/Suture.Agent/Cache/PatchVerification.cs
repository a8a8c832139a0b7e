using System.Security.Cryptography;
using Suture.Format;
using Suture.Patching.State;
using Suture.Trust;

namespace Suture.Agent.Cache;

/// <summary>The signature check apply makes (Suture.Trust's <c>PatchVerifier</c> against the trust directory), on bytes in hand.</summary>
internal sealed class PatchVerification(string? trustDirectory)
{
    public string Directory { get; } = TrustStore.Choose(trustDirectory);

    /// <summary>The trust directory is read again for each check: a key revoked since is refused at once.</summary>
    /// <exception cref="SutureException">Corrupt (exit 6) or not trusted (exit 14), naming the file and the key.</exception>
    public VerifiedPatch Verify(byte[] bytes, string path)
    {
        TrustStore trust = TrustStore.Load(Directory);
        Signer signer = PatchVerifier.Verify(bytes, path, trust);
        PatchDocument document = PatchDocument.Read(bytes, path);
        return new VerifiedPatch(document, new PatchSigner(signer.KeyId, signer.Name), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
