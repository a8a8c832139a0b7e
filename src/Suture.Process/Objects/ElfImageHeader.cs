using System.Buffers.Binary;

namespace Suture.Process.Objects;

/// <summary>
/// Reads what Suture needs from an ELF header already mapped in a process (the first page of an
/// object): the link-time address of the segment at file offset 0, and the PT_NOTE segments
/// (whose notes <see cref="Suture.Elf.ElfNotes"/> decodes).
/// </summary>
internal static class ElfImageHeader
{
    private const uint PtLoad = 1;
    private const uint PtNote = 4;

    public static bool TryParse(ReadOnlySpan<byte> page, out ulong firstLoadAddress, out List<(ulong Address, ulong Size, ulong Alignment)> notes)
    {
        firstLoadAddress = 0;
        notes = [];
        if (page.Length < 64 || !page[..4].SequenceEqual("\u007fELF"u8) || page[4] != 2)
        {
            return false;
        }

        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(page[0x20..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(page[0x36..]);
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(page[0x38..]);
        if (phentsize < 56 || phoff > (ulong)page.Length || (ulong)phnum * (ulong)phentsize > (ulong)page.Length - phoff)
        {
            return false;
        }

        bool found = false;
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> ph = page.Slice((int)phoff + (i * phentsize), 56);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]);
            ulong vaddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[16..]);
            ulong memsz = BinaryPrimitives.ReadUInt64LittleEndian(ph[40..]);
            ulong align = BinaryPrimitives.ReadUInt64LittleEndian(ph[48..]);
            if (type == PtLoad && !found)
            {
                firstLoadAddress = (vaddr - offset) & ~0xfffUL;
                found = true;
            }
            else if (type == PtNote)
            {
                notes.Add((vaddr, memsz, align));
            }
        }

        return found;
    }
}
