using Suture.Trust;

namespace Suture.Server.Patches;

/// <summary>
/// The one place where an uploaded patch's signature is judged, before anything is stored: as
/// <c>suture apply</c> does on a host (Suture.Trust), against the server's trust directory (the
/// server never holds a signing key). An unsigned patch, one signed by a key the directory does not
/// hold or revokes, one changed after signing, or an unusable trust directory is refused with the
/// reason (422, docs/protocol.md#patches).
/// </summary>
internal static class PatchSignatureCheck
{
    /// <summary>
    /// The verdict recorded with the patch (<c>KEYID (NAME)</c> of the key that signed it), or the
    /// reason to refuse it. <paramref name="file"/> has been read as a valid patch already.
    /// </summary>
    public static (string? Verdict, string? Refusal) Judge(byte[] file, string trustDirectory)
    {
        try
        {
            TrustStore trust = TrustStore.Load(trustDirectory);
            Signer signer = PatchVerifier.Verify(file, "the uploaded patch", trust);
            return ($"{signer.KeyId} ({signer.Name})", null);
        }
        catch (SutureException e)
        {
            return (null, e.Message);
        }
    }
}
