namespace Suture.Format;

/// <summary>The sections decoded so far while parsing; becomes a <see cref="PatchFile"/> once all are present.</summary>
internal sealed class PatchFileParts
{
    private PatchTarget? target;
    private PatchMetadata? metadata;
    private PatchFunction[]? functions;
    private byte[]? code;
    private byte[]? data;
    private ulong bssSize;
    private PatchRelocation[]? relocations;
    private PatchUnwindTable? unwind;

    public bool HasUnwind => unwind is not null;

    public void Read(uint tag, ReadOnlySpan<byte> payload, string file, PatchReadLimits limits)
    {
        switch (tag)
        {
            case PatchSection.Target:
                target = PatchSectionReader.ReadTarget(payload, file, limits);
                break;
            case PatchSection.Metadata:
                metadata = PatchSectionReader.ReadMetadata(payload, file, limits);
                break;
            case PatchSection.Functions:
                functions = PatchSectionReader.ReadFunctions(payload, file, limits);
                break;
            case PatchSection.Code:
                code = PatchSectionReader.ReadCode(payload, file, limits);
                break;
            case PatchSection.Data:
                (data, bssSize) = PatchSectionReader.ReadData(payload, file, limits);
                break;
            case PatchSection.Relocations:
                relocations = PatchSectionReader.ReadRelocations(payload, file, limits);
                break;
            case PatchSection.Unwind:
                unwind = PatchSectionReader.ReadUnwind(payload, file);
                break;
            default:
                throw new InvalidOperationException($"section {PatchSection.Describe(tag)} has no reader");
        }
    }

    /// <summary>Only called after the parser has seen every required section.</summary>
    public PatchFile ToPatchFile() => new()
    {
        Target = target ?? throw Missing(),
        Metadata = metadata ?? throw Missing(),
        Functions = functions ?? throw Missing(),
        Image = new PatchImage(code ?? throw Missing(), data ?? throw Missing(), bssSize),
        Relocations = relocations ?? throw Missing(),
        Unwind = unwind,
    };

    private static InvalidOperationException Missing() => new("a required section was not read");
}
