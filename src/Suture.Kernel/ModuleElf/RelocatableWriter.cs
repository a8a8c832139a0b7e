using System.Buffers.Binary;
using System.Text;

namespace Suture.Kernel.ModuleElf;

/// <summary>
/// Writes a 64-bit little-endian relocatable ELF file (x86-64) from section drafts: the ELF header,
/// each section's bytes at its alignment, then the section header table. Section 0 is the null
/// section; the section names table is built here and appended as the last section.
/// </summary>
internal static class RelocatableWriter
{
    private const int HeaderLength = 64;
    private const int SectionHeaderLength = 64;

    /// <param name="sections">Every section but the null one and the section names, in index order from 1.</param>
    /// <param name="header">The first 64 bytes to start from (e_ident, e_flags of an existing file), or null for a new file.</param>
    public static byte[] Write(IReadOnlyList<SectionDraft> sections, ReadOnlySpan<byte> header = default)
    {
        var names = new MemoryStream();
        names.WriteByte(0);
        var nameOffsets = new List<uint>();
        foreach (string name in sections.Select(s => s.Name).Append(".shstrtab"))
        {
            nameOffsets.Add((uint)names.Length);
            byte[] bytes = Encoding.UTF8.GetBytes(name);
            names.Write(bytes);
            names.WriteByte(0);
        }

        var all = sections.Append(new SectionDraft { Name = ".shstrtab", Type = SectionDraft.StrTab, Data = names.ToArray() }).ToList();
        var output = new MemoryStream();
        output.Write(new byte[HeaderLength]);
        var offsets = new List<ulong>();
        foreach (SectionDraft section in all)
        {
            ulong alignment = Math.Max(1, section.Alignment);
            while ((ulong)output.Length % alignment != 0)
            {
                output.WriteByte(0);
            }

            offsets.Add((ulong)output.Length);
            if (section.Type != SectionDraft.NoBits)
            {
                output.Write(section.Data);
            }
        }

        while (output.Length % 8 != 0)
        {
            output.WriteByte(0);
        }

        ulong sectionHeaders = (ulong)output.Length;
        output.Write(new byte[SectionHeaderLength]); // the null section
        Span<byte> entry = stackalloc byte[SectionHeaderLength];
        for (int i = 0; i < all.Count; i++)
        {
            SectionDraft section = all[i];
            BinaryPrimitives.WriteUInt32LittleEndian(entry, nameOffsets[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], section.Type);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], section.Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], section.Type == SectionDraft.NoBits ? section.NoBitsSize : (ulong)section.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[40..], section.Link);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[44..], section.Info);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[48..], Math.Max(1, section.Alignment));
            BinaryPrimitives.WriteUInt64LittleEndian(entry[56..], section.EntrySize);
            output.Write(entry);
        }

        byte[] file = output.ToArray();
        Span<byte> elf = file.AsSpan(0, HeaderLength);
        if (header.Length >= HeaderLength)
        {
            header[..HeaderLength].CopyTo(elf);
        }
        else
        {
            elf[0] = 0x7f;
            elf[1] = (byte)'E';
            elf[2] = (byte)'L';
            elf[3] = (byte)'F';
            elf[4] = 2; // ELFCLASS64
            elf[5] = 1; // little endian
            elf[6] = 1; // EV_CURRENT
            BinaryPrimitives.WriteUInt16LittleEndian(elf[16..], 1); // ET_REL
            BinaryPrimitives.WriteUInt16LittleEndian(elf[18..], 62); // EM_X86_64
            BinaryPrimitives.WriteUInt32LittleEndian(elf[20..], 1);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(elf[24..], 0); // e_entry
        BinaryPrimitives.WriteUInt64LittleEndian(elf[32..], 0); // e_phoff
        BinaryPrimitives.WriteUInt64LittleEndian(elf[40..], sectionHeaders);
        BinaryPrimitives.WriteUInt16LittleEndian(elf[52..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(elf[54..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(elf[56..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(elf[58..], SectionHeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(elf[60..], checked((ushort)(all.Count + 1)));
        BinaryPrimitives.WriteUInt16LittleEndian(elf[62..], (ushort)all.Count);
        return file;
    }

    /// <summary>A 24-byte Elf64_Rela.</summary>
    public static void WriteRela(Stream output, ulong offset, int symbol, uint type, long addend)
    {
        Span<byte> rela = stackalloc byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(rela, offset);
        BinaryPrimitives.WriteUInt64LittleEndian(rela[8..], ((ulong)(uint)symbol << 32) | type);
        BinaryPrimitives.WriteInt64LittleEndian(rela[16..], addend);
        output.Write(rela);
    }

    /// <summary>A 24-byte Elf64_Sym.</summary>
    public static void WriteSymbol(Stream output, uint name, byte info, ushort section, ulong value, ulong size)
    {
        Span<byte> sym = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(sym, name);
        sym[4] = info;
        sym[5] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(sym[6..], section);
        BinaryPrimitives.WriteUInt64LittleEndian(sym[8..], value);
        BinaryPrimitives.WriteUInt64LittleEndian(sym[16..], size);
        output.Write(sym);
    }
}
