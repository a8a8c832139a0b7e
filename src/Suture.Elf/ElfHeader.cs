using System.Buffers.Binary;

namespace Suture.Elf;

/// <summary>The fields of an Elf64_Ehdr this library uses, validated for x86-64 little-endian.</summary>
internal readonly record struct ElfHeader(
    ElfFileType Type,
    ushort Machine,
    ulong Entry,
    ulong ProgramHeaderOffset,
    ushort ProgramHeaderEntrySize,
    ushort ProgramHeaderCount,
    ulong SectionHeaderOffset,
    ushort SectionHeaderEntrySize,
    ushort SectionHeaderCount,
    ushort SectionNameTableIndex)
{
    public const int Length = 64;
    public const ushort MachineX86_64 = 62;

    /// <summary>Checks identification and machine; <paramref name="data"/> is the start of the file.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out ElfHeader header, out string? error)
    {
        header = default;
        error = Check(data);
        if (error is not null)
        {
            return false;
        }

        var type = (ElfFileType)BinaryPrimitives.ReadUInt16LittleEndian(data[16..]);
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
        if (machine != MachineX86_64)
        {
            error = $"machine {machine} (e_machine at offset 0x12) is not supported; only x86-64 ({MachineX86_64}) is";
            return false;
        }

        if (type > ElfFileType.Core)
        {
            error = $"file type 0x{(ushort)type:x} (e_type at offset 0x10) is not supported; expected relocatable, executable, shared object or core";
            return false;
        }

        header = new ElfHeader(
            type,
            machine,
            BinaryPrimitives.ReadUInt64LittleEndian(data[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(data[32..]),
            BinaryPrimitives.ReadUInt16LittleEndian(data[54..]),
            BinaryPrimitives.ReadUInt16LittleEndian(data[56..]),
            BinaryPrimitives.ReadUInt64LittleEndian(data[40..]),
            BinaryPrimitives.ReadUInt16LittleEndian(data[58..]),
            BinaryPrimitives.ReadUInt16LittleEndian(data[60..]),
            BinaryPrimitives.ReadUInt16LittleEndian(data[62..]));
        return true;
    }

    private static string? Check(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return "file is empty, not an ELF file";
        }

        if (data.Length < 4 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
        {
            string magic = Convert.ToHexString(data[..Math.Min(4, data.Length)]).ToLowerInvariant();
            return $"not an ELF file (magic 0x{magic} at offset 0, expected 0x7f454c46)";
        }

        if (data.Length < 6)
        {
            return $"file is {data.Length} bytes, too small for an ELF header ({Length} bytes)";
        }

        if (data[4] != 2)
        {
            return data[4] == 1
                ? "32-bit ELF (class 1 at offset 0x4) is not supported; only 64-bit x86-64 ELF is"
                : $"unknown ELF class {data[4]} at offset 0x4; expected 2 (64-bit)";
        }

        if (data[5] != 1)
        {
            return data[5] == 2
                ? "big-endian ELF (data encoding 2 at offset 0x5) is not supported; only little-endian x86-64 ELF is"
                : $"unknown ELF data encoding {data[5]} at offset 0x5; expected 1 (little-endian)";
        }

        if (data.Length < Length)
        {
            return $"file is {data.Length} bytes, too small for an ELF header ({Length} bytes)";
        }

        return null;
    }
}
