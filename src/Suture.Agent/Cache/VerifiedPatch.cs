using Suture.Format;
using Suture.Patching.State;

namespace Suture.Agent.Cache;

/// <summary>
/// A patch file whose signature verified against the trust directory, as apply verifies it:
/// the document read from the verified bytes, its signer, and the SHA-256 of the whole file
/// (the server's name for it; the records in targets carry the document's checksum instead).
/// </summary>
internal sealed record VerifiedPatch(PatchDocument Document, PatchSigner Signer, string FileSha256)
{
    public string BuildId => Document.Patch.Target.BuildIdHex;

    public string Id => Document.Patch.Metadata.Id;

    public int Level => Document.Patch.Metadata.Level;

    public string ObjectName => Document.Patch.Target.ObjectName;

    /// <summary>Whether <paramref name="id"/> names it: its patch id, or its file SHA-256 or the checksum records carry (8 hex digits at least).</summary>
    public bool IsNamedBy(string id) =>
        Id == id || (id.Length >= 8 && (FileSha256.StartsWith(id.ToLowerInvariant(), StringComparison.Ordinal) || Document.Sha256.StartsWith(id.ToLowerInvariant(), StringComparison.Ordinal)));
}
