using System.Buffers.Binary;

namespace Suture.Elf;

/// <summary>One program header (segment) of an <see cref="ElfFile"/>.</summary>
public sealed class ElfSegment
{
    internal const int EntryLength = 56;

    private ElfSegment(ElfSegmentType type, ElfSegmentFlags flags, ulong offset, ulong virtualAddress, ulong fileSize, ulong memorySize, ulong alignment)
    {
        Type = type;
        Flags = flags;
        Offset = offset;
        VirtualAddress = virtualAddress;
        FileSize = fileSize;
        MemorySize = memorySize;
        Alignment = alignment;
    }

    public ElfSegmentType Type { get; }

    public ElfSegmentFlags Flags { get; }

    public ulong Offset { get; }

    public ulong VirtualAddress { get; }

    public ulong FileSize { get; }

    public ulong MemorySize { get; }

    public ulong Alignment { get; }

    public override string ToString() => $"{Type} {Flags} vaddr 0x{VirtualAddress:x} offset 0x{Offset:x} filesz 0x{FileSize:x} memsz 0x{MemorySize:x}";

    /// <summary>Decodes one 56-byte Elf64_Phdr.</summary>
    internal static ElfSegment Parse(ReadOnlySpan<byte> entry) => new(
        (ElfSegmentType)BinaryPrimitives.ReadUInt32LittleEndian(entry),
        (ElfSegmentFlags)BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[40..]),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[48..]));
}
