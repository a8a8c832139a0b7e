namespace Suture.Format;

/// <summary>
/// The bytes loaded into the target. Layout in memory: <see cref="Code"/> at offset 0 (mapped
/// read-execute), then <see cref="Data"/> at <see cref="DataOffset"/> (the code size rounded up to
/// a page; mapped read-write), then <see cref="BssSize"/> zero bytes.
/// </summary>
public sealed record PatchImage(byte[] Code, byte[] Data, ulong BssSize)
{
    public const ulong PageSize = 4096;

    public ulong DataOffset => AlignUp((ulong)Code.Length, PageSize);

    /// <summary>Bytes the image occupies in memory, a whole number of pages.</summary>
    public ulong MemorySize => AlignUp(DataOffset + (ulong)Data.Length + BssSize, PageSize);

    public static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
