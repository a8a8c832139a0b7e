using Suture.Patching.Format;

namespace Suture.Patching.Engine;

/// <summary>
/// Where the parts of an applied patch live in the target: code (read-execute) at the base, data
/// (read-write) at the image's data offset, and the state record (read-only) after the image.
/// </summary>
public sealed record PatchMemoryLayout(ulong CodeSize, ulong DataSize, ulong StateOffset, ulong StateSize)
{
    public ulong TotalSize => StateOffset + StateSize;

    public static PatchMemoryLayout For(PatchImage image, int stateRecordLength) => new(
        CodeSize: image.DataOffset,
        DataSize: image.MemorySize - image.DataOffset,
        StateOffset: image.MemorySize,
        StateSize: PatchImage.AlignUp((ulong)stateRecordLength, PatchImage.PageSize));
}
