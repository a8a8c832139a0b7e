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
        // The host-side messages name apply's options (--trust-dir, --allow-unsigned); these two name the server's.
        if (!Directory.Exists(trustDirectory))
        {
            return (null, $"the server's trust directory {trustDirectory} does not exist, so no upload can be verified; install the publishers' public keys (NAME.pub from 'suture key generate') there, or set Suture:TrustDirectory");
        }

        try
        {
            if (PatchVerifier.Claimed(file, "the uploaded patch") is null)
            {
                return (null, $"the uploaded patch is not signed; sign it with 'suture sign PATCH --key NAME.key' before uploading, with a key whose NAME.pub is in the server's trust directory {trustDirectory}");
            }

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
