using System.Buffers.Binary;

namespace Suture.Elf;

/// <summary>A raw Elf64_Shdr before its name and data are resolved.</summary>
internal readonly record struct ElfSectionHeader(
    uint NameOffset,
    ElfSectionType Type,
    ElfSectionFlags Flags,
    ulong Address,
    ulong Offset,
    ulong Size,
    uint Link,
    uint Info,
    ulong Alignment,
    ulong EntrySize)
{
    public const int EntryLength = 64;

    /// <summary>True when the section occupies bytes in the file.</summary>
    public bool HasFileData => Type is not ElfSectionType.NoBits and not ElfSectionType.Null && Size != 0;

    public static ElfSectionHeader Parse(ReadOnlySpan<byte> entry) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(entry),
        (ElfSectionType)BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
        (ElfSectionFlags)BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]),
        BinaryPrimitives.ReadUInt32LittleEndian(entry[40..]),
        BinaryPrimitives.ReadUInt32LittleEndian(entry[44..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[48..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[56..]));
}
