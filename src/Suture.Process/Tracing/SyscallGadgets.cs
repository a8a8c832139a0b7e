using Suture.Process.Memory;

namespace Suture.Process.Tracing;

/// <summary>
/// Two byte sequences found in a target's executable memory (the C library has both): a
/// <c>syscall; ret</c> to run system calls, and the signal-return trampoline
/// <c>mov $15, %rax; syscall</c> (rt_sigreturn) through which a borrowed thread restores itself.
/// </summary>
public sealed record SyscallGadgets(ulong SyscallReturn, ulong SignalReturn)
{
    private const int ChunkSize = 64 * 1024;
    private const ulong MaxScanPerMapping = 8 * 1024 * 1024;

    private static ReadOnlySpan<byte> SyscallRet => [0x0f, 0x05, 0xc3];

    private static ReadOnlySpan<byte> RtSigreturn => [0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05];

    public static SyscallGadgets Find(ProcessMemory memory, IReadOnlyList<MemoryMapping> mappings)
    {
        ulong? syscallReturn = null;
        ulong? signalReturn = null;
        IEnumerable<MemoryMapping> candidates = mappings.Where(m => m.IsExecutable && m.IsReadable)
            .OrderBy(m => m.Path.Contains("/libc.so", StringComparison.Ordinal) || m.Path.Contains("/libc.musl", StringComparison.Ordinal) ? 0 : 1);
        byte[] buffer = new byte[ChunkSize + 16];
        foreach (MemoryMapping mapping in candidates)
        {
            ulong limit = Math.Min(mapping.End, mapping.Start + MaxScanPerMapping);
            for (ulong address = mapping.Start; address < limit && (syscallReturn is null || signalReturn is null); address += ChunkSize)
            {
                int length = (int)Math.Min((ulong)buffer.Length, mapping.End - address);
                if (!memory.TryRead(address, buffer.AsSpan(0, length)))
                {
                    break;
                }

                Span<byte> chunk = buffer.AsSpan(0, length);
                syscallReturn ??= Locate(chunk, SyscallRet, address);
                signalReturn ??= Locate(chunk, RtSigreturn, address);
            }

            if (syscallReturn is not null && signalReturn is not null)
            {
                return new SyscallGadgets(syscallReturn.Value, signalReturn.Value);
            }
        }

        throw new SutureException($"process {memory.Pid} has no 'syscall; ret' and rt_sigreturn code in its executable memory (no C library?); suture cannot run system calls in it safely");
    }

    private static ulong? Locate(ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> pattern, ulong address)
    {
        int index = chunk.IndexOf(pattern);
        return index >= 0 ? address + (ulong)index : null;
    }
}
