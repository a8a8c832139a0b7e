using Suture.Format;

namespace Suture.Trust;

/// <summary>
/// Decides whether a patch file may be applied: signed (a <c>sign</c> section right before HASH)
/// by a key of the trust directory that is not revoked, with a signature that matches every byte
/// before it. Runs on the file's bytes before any process is touched.
/// </summary>
internal static class PatchVerifier
{
    /// <summary>The signer of a patch that verifies.</summary>
    /// <param name="file">The whole patch file; validated by the format reader first.</param>
    /// <exception cref="SutureException">
    /// Unsigned, unknown or revoked key, or a signature that does not match (<see cref="ExitCode.Untrusted"/>);
    /// a file the format reader refuses (<see cref="ExitCode.CorruptPatch"/>).
    /// </exception>
    public static Signer Verify(byte[] file, string path, TrustStore trust) => Verify(PatchDocument.Read(file, path), trust);

    /// <inheritdoc cref="Verify(byte[], string, TrustStore)"/>
    public static Signer Verify(PatchDocument document, TrustStore trust)
    {
        string path = document.Path;
        PatchSignature signature = SignatureSection.Find(document)
            ?? throw new SutureException($"{path} is not signed; sign it with 'suture sign {path} --key NAME.key' and install NAME.pub in {trust.Directory}, or give --allow-unsigned (development only)", ExitCode.Untrusted);
        return Check(document.Bytes.Span, path, signature, trust);
    }

    /// <summary>Checks a claimed signature over the first <c>CoveredLength</c> bytes of <paramref name="file"/> (a patch file, or a kernel livepatch module).</summary>
    internal static Signer Check(ReadOnlySpan<byte> file, string path, PatchSignature signature, TrustStore trust)
    {
        string who = signature.SignerName.Length == 0 ? $"key {signature.KeyId}" : $"key {signature.KeyId} ('{signature.SignerName}')";
        if (trust.Revoked.TryGetValue(signature.KeyId, out int line))
        {
            throw new SutureException($"{path} is signed by {who}, which is revoked ({trust.RevocationPath} line {line}); refusing it; get the patch re-signed with a current key", ExitCode.Untrusted);
        }

        if (!trust.Keys.TryGetValue(signature.KeyId, out TrustedKey? key))
        {
            throw new SutureException($"{path} is signed by {who}, which is not in the trust directory {trust.Directory} ({trust.Keys.Count} key(s)); install its NAME.pub there if you trust its publisher", ExitCode.Untrusted);
        }

        if (!key.Verifies(file[..signature.CoveredLength], signature.Value))
        {
            throw new SutureException($"{path}: the signature of {who} does not match the file's content: it was changed after signing; refusing it; get the patch again from its publisher", ExitCode.Untrusted);
        }

        return new Signer(key.Id, key.Name);
    }

    /// <summary>The signature a patch carries, unverified (for inspect), or null if unsigned.</summary>
    /// <exception cref="SutureException">A file the format reader refuses (<see cref="ExitCode.CorruptPatch"/>), a malformed signature section (<see cref="ExitCode.Untrusted"/>).</exception>
    public static PatchSignature? Claimed(byte[] file, string path) => Claimed(PatchDocument.Read(file, path));

    /// <inheritdoc cref="Claimed(byte[], string)"/>
    public static PatchSignature? Claimed(PatchDocument document) => SignatureSection.Find(document);
}
