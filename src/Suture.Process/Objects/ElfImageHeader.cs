using System.Buffers.Binary;

namespace Suture.Process.Objects;

/// <summary>
/// Reads what Suture needs from an ELF header already mapped in a process (the first page of an
/// object): the link-time address of the segment at file offset 0, and the PT_NOTE segments.
/// </summary>
internal static class ElfImageHeader
{
    private const uint PtLoad = 1;
    private const uint PtNote = 4;

    public static bool TryParse(ReadOnlySpan<byte> page, out ulong firstLoadAddress, out List<(ulong Address, ulong Size)> notes)
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
            if (type == PtLoad && !found)
            {
                firstLoadAddress = (vaddr - offset) & ~0xfffUL;
                found = true;
            }
            else if (type == PtNote)
            {
                notes.Add((vaddr, memsz));
            }
        }

        return found;
    }

    /// <summary>Finds the NT_GNU_BUILD_ID descriptor in a block of ELF notes.</summary>
    public static byte[]? FindBuildId(ReadOnlySpan<byte> notes)
    {
        int position = 0;
        while (position + 12 <= notes.Length)
        {
            uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[position..]);
            uint descSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[(position + 4)..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(notes[(position + 8)..]);
            ulong nameStart = (ulong)position + 12;
            ulong descStart = nameStart + ((nameSize + 3UL) & ~3UL);
            ulong next = descStart + ((descSize + 3UL) & ~3UL);
            if (descStart + descSize > (ulong)notes.Length || nameSize > 256)
            {
                return null;
            }

            if (type == 3 && nameSize == 4 && notes.Slice((int)nameStart, 4).SequenceEqual("GNU\0"u8))
            {
                return notes.Slice((int)descStart, (int)descSize).ToArray();
            }

            position = (int)next;
        }

        return null;
    }
}
