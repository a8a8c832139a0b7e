using Suture.Format;

namespace Suture.Patching.Engine.Placement;

/// <summary>
/// Where the parts of an applied patch live in the target: code (read-execute) at the base, data
/// (read-write) at the image's data offset, followed by a read-write area suture itself needs in
/// the target (the unwinder's registration record, when the table is registered), and the state
/// record (read-only) last.
/// </summary>
internal sealed record PatchMemoryLayout(ulong CodeSize, ulong DataSize, ulong RuntimeOffset, ulong StateOffset, ulong StateSize)
{
    public ulong TotalSize => StateOffset + StateSize;

    /// <param name="runtimeSize">Bytes of the read-write runtime area after the image (0 for none).</param>
    public static PatchMemoryLayout For(PatchImage image, int stateRecordLength, ulong runtimeSize = 0)
    {
        ulong runtime = PatchImage.AlignUp(runtimeSize, PatchImage.PageSize);
        return new(
            CodeSize: image.DataOffset,
            DataSize: image.MemorySize - image.DataOffset + runtime,
            RuntimeOffset: image.MemorySize,
            StateOffset: image.MemorySize + runtime,
            StateSize: PatchImage.AlignUp((ulong)stateRecordLength, PatchImage.PageSize));
    }
}
