namespace Suture.Format;

/// <summary>
/// A live patch for one object (executable or shared library), bound to that object's GNU Build
/// ID. Written by <c>suture build</c>, read by apply/inspect. See docs/patch-format.md.
/// </summary>
public sealed record PatchFile
{
    public required PatchTarget Target { get; init; }

    public required PatchMetadata Metadata { get; init; }

    /// <summary>The functions of the target whose entries are redirected to new code.</summary>
    public required IReadOnlyList<PatchFunction> Functions { get; init; }

    public required PatchImage Image { get; init; }

    /// <summary>Fix-ups applied to <see cref="Image"/> once its address in the target is known.</summary>
    public required IReadOnlyList<PatchRelocation> Relocations { get; init; }

    /// <summary>Unwind information for the new code (file section <c>UNWD</c>), or null when the patch carries none.</summary>
    public PatchUnwindTable? Unwind { get; init; }

    /// <summary>
    /// Whether <paramref name="other"/> has the same content. Records compare their lists and byte
    /// arrays by reference; this compares every element, and the creation time to the millisecond
    /// (what the file stores).
    /// </summary>
    public bool ContentEquals(PatchFile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        PatchFile a = this, b = other;
        return TargetEquals(a.Target, b.Target)
            && MetadataEquals(a.Metadata, b.Metadata)
            && a.Functions.Count == b.Functions.Count
            && a.Functions.Zip(b.Functions).All(p => FunctionEquals(p.First, p.Second))
            && a.Image.Code.AsSpan().SequenceEqual(b.Image.Code)
            && a.Image.Data.AsSpan().SequenceEqual(b.Image.Data)
            && a.Image.BssSize == b.Image.BssSize
            && a.Relocations.SequenceEqual(b.Relocations)
            && a.Unwind == b.Unwind;
    }

    private static bool TargetEquals(PatchTarget a, PatchTarget b) =>
        a.BuildId.AsSpan().SequenceEqual(b.BuildId) && a.ObjectName == b.ObjectName;

    private static bool MetadataEquals(PatchMetadata a, PatchMetadata b) =>
        a.Id == b.Id
        && a.Description == b.Description
        && a.Cves.SequenceEqual(b.Cves, StringComparer.Ordinal)
        && a.Level == b.Level
        && a.CreatedUtc.ToUnixTimeMilliseconds() == b.CreatedUtc.ToUnixTimeMilliseconds()
        && a.Compiler == b.Compiler
        && a.BuildCommand == b.BuildCommand
        && a.Overrides.SequenceEqual(b.Overrides, StringComparer.Ordinal);

    private static bool FunctionEquals(PatchFunction a, PatchFunction b) =>
        a.Symbol == b.Symbol
        && a.OldAddress == b.OldAddress
        && a.OldSize == b.OldSize
        && a.EntryOffset == b.EntryOffset
        && a.ExpectedBytes.AsSpan().SequenceEqual(b.ExpectedBytes)
        && a.NewOffset == b.NewOffset
        && a.NewSize == b.NewSize;
}
