using Suture.Process.Memory;

namespace Suture.Process.Tracing;

/// <summary>Finds the bytes of a <c>syscall</c> instruction (0F 05) in a target's executable memory.</summary>
public static class SyscallInstructionFinder
{
    private const int ChunkSize = 64 * 1024;
    private const ulong MaxScanPerMapping = 4 * 1024 * 1024;

    public static ulong Find(ProcessMemory memory, IReadOnlyList<MemoryMapping> mappings)
    {
        // The vDSO is small and always present; libc next; then anything executable.
        IEnumerable<MemoryMapping> candidates = mappings.Where(m => m.IsExecutable)
            .OrderBy(m => m.Path == "[vdso]" ? 0 : m.Path.Contains("/libc.so", StringComparison.Ordinal) ? 1 : 2);
        byte[] buffer = new byte[ChunkSize + 1];
        foreach (MemoryMapping mapping in candidates)
        {
            ulong limit = Math.Min(mapping.End, mapping.Start + MaxScanPerMapping);
            for (ulong address = mapping.Start; address < limit; address += ChunkSize)
            {
                int length = (int)Math.Min((ulong)buffer.Length, mapping.End - address);
                if (!memory.TryRead(address, buffer.AsSpan(0, length)))
                {
                    break;
                }

                int index = buffer.AsSpan(0, length).IndexOf([(byte)0x0f, (byte)0x05]);
                if (index >= 0)
                {
                    return address + (ulong)index;
                }
            }
        }

        throw new SutureException($"process {memory.Pid} has no syscall instruction in its executable memory; cannot run code in it");
    }
}
