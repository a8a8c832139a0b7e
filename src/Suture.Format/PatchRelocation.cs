namespace Suture.Format;

/// <summary>
/// A fix-up at <see cref="Offset"/> in the patch image. The value written is
/// <c>S + Addend</c> (absolute kinds) or <c>S + Addend - P</c> (PC-relative kinds), where P is the
/// run-time address of the fix-up and S the run-time address of the symbol, found per
/// <see cref="Target"/>.
/// </summary>
/// <param name="Offset">Offset in the image (code and data share one offset space, see <see cref="PatchImage"/>).</param>
/// <param name="Kind">Width and form of the value written.</param>
/// <param name="Target">Where the symbol lives.</param>
/// <param name="Symbol">Symbol name, for resolution of external symbols and for messages.</param>
/// <param name="Value">Image: offset in the image. Object: link-time address in the target. External: unused (0).</param>
/// <param name="Addend">Constant added to the symbol address.</param>
/// <param name="Version">Symbol version for external symbols (e.g. <c>GLIBC_2.2.5</c>), or null.</param>
public sealed record PatchRelocation(
    ulong Offset,
    PatchRelocationKind Kind,
    PatchSymbolKind Target,
    string Symbol,
    ulong Value,
    long Addend,
    string? Version = null)
{
    /// <summary>Whether the fix-up is about a thread-local variable (module ID or TLS offset), not an address.</summary>
    public bool IsThreadLocal => PatchFormat.IsThreadLocal(Kind);
}
