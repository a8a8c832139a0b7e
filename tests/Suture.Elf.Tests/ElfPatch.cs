using System.Buffers.Binary;

namespace Suture.Elf.Tests;

/// <summary>Helpers to corrupt a copy of a valid ELF file at the header fields a test names.</summary>
public static class ElfPatch
{
    public const int ShOff = 40;
    public const int PhNum = 56;
    public const int ShNum = 60;
    public const int ShStrNdx = 62;

    public static int SectionHeader(byte[] data, int index) => (int)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(ShOff)) + (index * 64);

    public static int ProgramHeader(byte[] data, int index) => (int)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(32)) + (index * 56);

    public static void U16(byte[] data, int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(offset), value);

    public static void U32(byte[] data, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value);

    public static void U64(byte[] data, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(offset), value);

    /// <summary>Sets a 64-bit field of the header of the named section (e.g. 56 = sh_entsize).</summary>
    public static void Section(byte[] data, ElfSection section, int field, ulong value) => U64(data, SectionHeader(data, section.Index) + field, value);
}
