using System.Buffers.Binary;

namespace Suture.Elf;

/// <summary>A raw Elf64_Sym before its name and version are resolved.</summary>
internal readonly record struct ElfSymbolEntry(
    uint NameOffset,
    ElfSymbolType Type,
    ElfSymbolBinding Binding,
    byte Visibility,
    ushort SectionIndex,
    ulong Value,
    ulong Size)
{
    public const int EntryLength = 24;

    public static ElfSymbolEntry Parse(ReadOnlySpan<byte> entry) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(entry),
        (ElfSymbolType)(entry[4] & 0xf),
        (ElfSymbolBinding)(entry[4] >> 4),
        (byte)(entry[5] & 0x3),
        BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]));
}
