namespace Suture.Format;

/// <summary>
/// Compares patches by content. Records compare their lists and byte arrays by reference; this
/// compares every element, and the creation time to the millisecond (what the file stores).
/// </summary>
public static class PatchFileComparer
{
    public static bool ContentEquals(PatchFile a, PatchFile b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
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
