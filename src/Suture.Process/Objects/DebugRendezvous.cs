using Suture.Elf;
using Suture.Process.Memory;

namespace Suture.Process.Objects;

/// <summary>
/// Finds the dynamic linker's rendezvous structure (<c>struct r_debug</c>) in a process: ld.so
/// stores its address in the <c>DT_DEBUG</c> entry of the main program's dynamic section, which
/// is found from the program headers the auxiliary vector points at (<c>AT_PHDR</c>), so it works
/// for fixed and position-independent executables and for programs started through ld.so.
/// </summary>
public static class DebugRendezvous
{
    private const int MinProgramHeaderSize = ElfProgramHeaders.EntryLength;
    private const ulong MaxProgramHeaders = 1024;
    private const ulong MaxDynamicBytes = 64 * 1024;
    private const int DynamicEntryLength = ElfDynamicEntry.EntryLength;

    /// <summary>The address of <c>struct r_debug</c>, or null with <paramref name="problem"/> saying why it cannot be found.</summary>
    public static ulong? Find(int pid, ProcessMemory memory, IReadOnlyList<LoadedObject> objects, out string? problem)
    {
        IReadOnlyDictionary<ulong, ulong>? auxv = AuxiliaryVector.TryRead(pid);
        if (auxv is null || !auxv.TryGetValue(AuxiliaryVector.ProgramHeaders, out ulong headers) || headers == 0)
        {
            problem = $"cannot read AT_PHDR from /proc/{pid}/auxv";
            return null;
        }

        ulong size = auxv.GetValueOrDefault(AuxiliaryVector.ProgramHeaderSize, (ulong)MinProgramHeaderSize);
        ulong count = auxv.GetValueOrDefault(AuxiliaryVector.ProgramHeaderCount);
        if (size < MinProgramHeaderSize || size > 4096 || count is 0 or > MaxProgramHeaders)
        {
            problem = $"the auxiliary vector of process {pid} describes {count} program headers of {size} bytes";
            return null;
        }

        byte[] table = new byte[count * size];
        if (!memory.TryRead(headers, table))
        {
            problem = $"cannot read the main program's program headers at 0x{headers:x}";
            return null;
        }

        ulong? dynamic = DynamicSection(table, (int)size, headers, objects, out ulong dynamicSize, out problem);
        return dynamic is ulong address ? DebugEntry(memory, address, Math.Min(dynamicSize, MaxDynamicBytes), out problem) : null;
    }

    /// <summary>The run-time address and size of the main program's PT_DYNAMIC segment.</summary>
    private static ulong? DynamicSection(byte[] table, int size, ulong headers, IReadOnlyList<LoadedObject> objects, out ulong dynamicSize, out string? problem)
    {
        ulong? bias = null;
        ulong? vaddr = null;
        dynamicSize = 0;
        foreach (ElfSegment segment in ElfProgramHeaders.Parse(table, size))
        {
            if (segment.Type == ElfSegmentType.Phdr)
            {
                bias = headers - segment.VirtualAddress;
            }
            else if (segment.Type == ElfSegmentType.Dynamic && vaddr is null)
            {
                vaddr = segment.VirtualAddress;
                dynamicSize = segment.MemorySize;
            }
        }

        // Without PT_PHDR, the object whose mapping holds the headers gives the bias.
        bias ??= objects.FirstOrDefault(o => o.Mappings.Any(m => m.Contains(headers)))?.Bias;
        problem = vaddr is null ? "the main program has no dynamic section (it is statically linked)"
            : bias is null ? $"cannot tell where the main program is loaded: no PT_PHDR and no mapping holds its program headers at 0x{headers:x}"
            : null;
        return problem is null ? bias + vaddr : null;
    }

    private static ulong? DebugEntry(ProcessMemory memory, ulong address, ulong size, out string? problem)
    {
        byte[] dynamic = new byte[size - (size % DynamicEntryLength)];
        if (!memory.TryRead(address, dynamic))
        {
            problem = $"cannot read the main program's dynamic section at 0x{address:x}";
            return null;
        }

        foreach (ElfDynamicEntry entry in ElfDynamicEntry.Parse(dynamic))
        {
            if (entry.Tag == ElfDynamicTag.Debug)
            {
                problem = entry.Value == 0 ? "the main program's DT_DEBUG is 0 (the dynamic linker did not fill it in)" : null;
                return entry.Value == 0 ? null : entry.Value;
            }
        }

        problem = "the object that AT_PHDR describes has no DT_DEBUG entry (the process was started by running the dynamic linker, or runs a shared object as its program)";
        return null;
    }
}
