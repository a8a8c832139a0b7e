using Suture.Format;

namespace Suture.Server.Patches;

/// <summary>
/// The one place where an uploaded patch's signature is judged, before anything is stored. The
/// signature format comes with the trust work (issue "Trust and truth"); until it lands, no patch
/// carries a signature and every upload is recorded as <see cref="Unsigned"/>, visibly, in the patch
/// list and the audit log. When signatures exist, this check verifies them against the trusted
/// keys configured for the server (the server never holds a signing key) and refuses an unsigned
/// or badly signed patch with a reason (docs/protocol.md#patches).
/// </summary>
internal static class PatchSignatureCheck
{
    public const string Unsigned = "unsigned";

    /// <summary>How the signature of <paramref name="file"/> was judged, or a reason to refuse it.</summary>
    public static (string? Verdict, string? Refusal) Judge(ReadOnlySpan<byte> file, PatchFile patch)
    {
        _ = file;
        _ = patch;
        return (Unsigned, null);
    }
}
