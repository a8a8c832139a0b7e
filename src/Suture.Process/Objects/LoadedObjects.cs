using Suture.Elf;
using Suture.Process.Memory;

namespace Suture.Process.Objects;

/// <summary>Lists the ELF objects a process maps, with Build IDs read from their notes in memory.</summary>
public static class LoadedObjects
{
    private const int HeaderPage = 4096;

    public static IReadOnlyList<LoadedObject> Read(int pid, IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory)
    {
        var result = new List<LoadedObject>();
        foreach (IGrouping<(string Device, ulong Inode), MemoryMapping> group in mappings.Where(m => m.IsFile).GroupBy(m => (m.Device, m.Inode)))
        {
            MemoryMapping[] parts = group.OrderBy(m => m.Start).ToArray();
            MemoryMapping? head = parts.FirstOrDefault(m => m.Offset == 0 && m.IsReadable);
            if (head is null)
            {
                continue;
            }

            LoadedObject? loaded = TryReadObject(head, parts, memory);
            if (loaded is not null)
            {
                result.Add(loaded);
            }
        }

        return result;
    }

    /// <summary>The Build ID of the object whose first mapping is <paramref name="head"/>, read from its note in memory.</summary>
    public static byte[]? ReadBuildId(MemoryMapping head, ProcessMemory memory) =>
        TryReadHeader(head, memory, out ulong bias, out var notes) ? FindBuildId(bias, notes, memory) : null;

    /// <summary>
    /// The load bias (from the PT_LOAD at file offset 0, whose page <paramref name="head"/> maps)
    /// and the PT_NOTE segments, from the ELF and program headers in the object's first page.
    /// </summary>
    private static bool TryReadHeader(MemoryMapping head, ProcessMemory memory, out ulong bias, out IReadOnlyList<ElfSegment> notes)
    {
        byte[] page = new byte[(int)Math.Min(HeaderPage, head.Size)];
        bias = 0;
        notes = [];
        if (!memory.TryRead(head.Start, page) || !ElfProgramHeaders.TryRead(page, out IReadOnlyList<ElfSegment>? segments, out _))
        {
            return false;
        }

        ElfSegment? firstLoad = segments.FirstOrDefault(s => s.Type == ElfSegmentType.Load);
        if (firstLoad is null)
        {
            return false;
        }

        bias = head.Start - ((firstLoad.VirtualAddress - firstLoad.Offset) & ~0xfffUL);
        notes = segments.Where(s => s.Type == ElfSegmentType.Note).ToList();
        return true;
    }

    private static LoadedObject? TryReadObject(MemoryMapping head, MemoryMapping[] parts, ProcessMemory memory)
    {
        if (!TryReadHeader(head, memory, out ulong bias, out var notes))
        {
            return null;
        }

        // Mappings of the same file that belong to this load (a library mapped twice would show
        // other heads; keep those within this object's contiguous range).
        var own = parts.Where(m => m.Start >= head.Start).ToList();
        return new LoadedObject(head.Path, FindBuildId(bias, notes, memory), bias, own);
    }

    private static byte[]? FindBuildId(ulong bias, IReadOnlyList<ElfSegment> notes, ProcessMemory memory)
    {
        byte[]? buildId = null;
        foreach (ElfSegment note in notes)
        {
            ulong size = note.MemorySize;
            if (size is 0 or > 64 * 1024)
            {
                continue;
            }

            byte[] block = new byte[size];
            if (memory.TryRead(bias + note.VirtualAddress, block))
            {
                buildId = ElfNotes.FindBuildId(block, note.Alignment);
                if (buildId is not null)
                {
                    break;
                }
            }
        }

        return buildId;
    }
}
