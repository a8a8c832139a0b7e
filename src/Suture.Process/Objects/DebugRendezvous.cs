using System.Buffers.Binary;
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
    private const uint PtDynamic = 2;
    private const uint PtPhdr = 6;
    private const long DtNull = 0;
    private const long DtDebug = 21;
    private const int MinProgramHeaderSize = 56;
    private const ulong MaxProgramHeaders = 1024;
    private const ulong MaxDynamicBytes = 64 * 1024;
    private const int DynamicEntryLength = 16;

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
        for (int offset = 0; offset + size <= table.Length; offset += size)
        {
            ReadOnlySpan<byte> header = table.AsSpan(offset, size);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            ulong address = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
            if (type == PtPhdr)
            {
                bias = headers - address;
            }
            else if (type == PtDynamic && vaddr is null)
            {
                vaddr = address;
                dynamicSize = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
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

        for (int offset = 0; offset + DynamicEntryLength <= dynamic.Length; offset += DynamicEntryLength)
        {
            long tag = BinaryPrimitives.ReadInt64LittleEndian(dynamic.AsSpan(offset));
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(dynamic.AsSpan(offset + 8));
            if (tag == DtNull)
            {
                break;
            }

            if (tag == DtDebug)
            {
                problem = value == 0 ? "the main program's DT_DEBUG is 0 (the dynamic linker did not fill it in)" : null;
                return value == 0 ? null : value;
            }
        }

        problem = "the object that AT_PHDR describes has no DT_DEBUG entry (the process was started by running the dynamic linker, or runs a shared object as its program)";
        return null;
    }
}
