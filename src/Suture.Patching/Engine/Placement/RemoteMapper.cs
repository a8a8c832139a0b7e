using System.Text;
using Suture.Process.Memory;
using Suture.Process.Tracing;
using static Suture.Process.Tracing.SyscallNumbers;

namespace Suture.Patching.Engine.Placement;

/// <summary>
/// Creates and removes a patch's memory inside a stopped target. The memory is a private mapping
/// of a memfd named <c>suture:ID</c>, so /proc/PID/maps shows which patch a process runs. Code is
/// mapped read-execute from the start and written through /proc/PID/mem: the target never has
/// writable and executable memory, and no mprotect to executable is needed.
/// </summary>
internal static class RemoteMapper
{
    private const int MaxNameBytes = 240;

    /// <summary>
    /// Maps the patch at exactly <paramref name="address"/>; false if that range is taken. Each
    /// part is placed with <c>MAP_FIXED_NOREPLACE</c>, the record part first, and
    /// <paramref name="record"/> is written into it before anything else: a run killed at any
    /// point leaves either a memfd descriptor (closed by gc), a record part alone whose record is
    /// still empty (nothing else happened yet; gc unmaps it), or memory that describes itself.
    /// The memfd's name is passed from the borrowed thread's unused stack, so no anonymous
    /// memory is ever left that could not be told from the target's own.
    /// </summary>
    public static bool TryMap(RemoteSyscalls syscalls, ProcessMemory memory, ulong address, PatchMemoryLayout layout, string name, byte[] record)
    {
        ulong nameAddress = syscalls.WriteScratch(Encoding.UTF8.GetBytes(Truncate(AppliedNamePrefix + name) + "\0"));
        long fd = (long)syscalls.Check("memfd_create", MemfdCreate, nameAddress, MfdCloexec);
        try
        {
            syscalls.Check("ftruncate", Ftruncate, (ulong)fd, layout.TotalSize);
            // Parts placed so far, unmapped again (newest first, the record part last) if the
            // rest does not fit; only ranges suture mapped itself are ever unmapped.
            var placed = new Stack<(ulong Start, ulong Size)>();
            try
            {
                if (!TryMapPart(syscalls, memory, fd, address, layout.StateOffset, layout.StateSize, ProtRead, placed))
                {
                    return false;
                }

                memory.Write(address + layout.StateOffset, record);
                bool code = TryMapPart(syscalls, memory, fd, address, 0, layout.CodeSize, ProtRead | ProtExec, placed);
                if (code && TryMapPart(syscalls, memory, fd, address, layout.CodeSize, layout.DataSize, ProtRead | ProtWrite, placed))
                {
                    placed.Clear();
                    return true;
                }

                return false;
            }
            finally
            {
                while (placed.TryPop(out (ulong Start, ulong Size) part))
                {
                    syscalls.Invoke(Munmap, part.Start, part.Size);
                }
            }
        }
        finally
        {
            syscalls.Invoke(Close, (ulong)fd);
        }
    }

    public static void Unmap(RemoteSyscalls syscalls, ulong address, ulong size) =>
        syscalls.Check("munmap", Munmap, address, size);

    private const string AppliedNamePrefix = State.AppliedPatchReader.MemfdPrefix;

    /// <summary>Maps one part of the memfd at exactly its place; false if something else is there.</summary>
    private static bool TryMapPart(RemoteSyscalls syscalls, ProcessMemory memory, long fd, ulong address, ulong offset, ulong size, ulong protection, Stack<(ulong Start, ulong Size)> placed)
    {
        if (size == 0)
        {
            return true;
        }

        long mapped = syscalls.Invoke(Mmap, address + offset, size, protection, MapPrivate | MapFixedNoReplace, (ulong)fd, offset);
        switch (RemoteSyscalls.ErrorOf(mapped))
        {
            case RemoteError.None:
                break;
            case RemoteError.Exists:
                return false;
            case RemoteError.Denied when (protection & ProtExec) != 0:
                throw new SutureException(
                    $"process {memory.Pid} does not allow new executable memory (a seccomp filter, SELinux execmem or a similar policy refused mmap with PROT_EXEC); cannot load a patch into it",
                    ExitCode.Unpatchable,
                    syscalls.Failure("mmap", mapped));
            default:
                throw syscalls.Failure("mmap", mapped);
        }

        if ((ulong)mapped != address + offset)
        {
            // A kernel before 4.17 takes MAP_FIXED_NOREPLACE as a hint.
            syscalls.Invoke(Munmap, (ulong)mapped, size);
            return false;
        }

        placed.Push((address + offset, size));
        return true;
    }

    private static string Truncate(string name)
    {
        var builder = new StringBuilder();
        foreach (char c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' ? c : '_');
        }

        return builder.Length > MaxNameBytes ? builder.ToString(0, MaxNameBytes) : builder.ToString();
    }
}
