using System.Text;
using Suture.Process.Memory;
using Suture.Process.Tracing;
using static Suture.Process.Tracing.SyscallNumbers;

namespace Suture.Patching.Engine;

/// <summary>
/// Creates and removes a patch's memory inside a stopped target. The memory is a private mapping
/// of a memfd named <c>suture:ID</c>, so /proc/PID/maps shows which patch a process runs. Code is
/// mapped read-execute from the start and written through /proc/PID/mem: the target never has
/// writable and executable memory, and no mprotect to executable is needed.
/// </summary>
public static class RemoteMapper
{
    private const int MaxNameBytes = 240;

    /// <summary>Maps the patch at exactly <paramref name="address"/>; false if that range is taken.</summary>
    public static bool TryMap(RemoteSyscalls syscalls, ProcessMemory memory, ulong address, PatchMemoryLayout layout, string name)
    {
        long scratch = syscalls.Invoke(Mmap, address, layout.TotalSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous | MapFixedNoReplace, ulong.MaxValue, 0);
        if (scratch == -Native.Errno.EEXIST)
        {
            return false;
        }

        if (scratch < 0 && scratch > -4096)
        {
            throw new Native.NativeCallException("mmap (inside the target)", $"process {memory.Pid}", (int)-scratch);
        }

        if ((ulong)scratch != address)
        {
            syscalls.Invoke(Munmap, (ulong)scratch, layout.TotalSize);
            return false;
        }

        long fd = -1;
        try
        {
            memory.Write(address, Encoding.UTF8.GetBytes(Truncate(AppliedNamePrefix + name) + "\0"));
            fd = (long)syscalls.Check("memfd_create", MemfdCreate, address, MfdCloexec);
            syscalls.Check("ftruncate", Ftruncate, (ulong)fd, layout.TotalSize);
            try
            {
                MapPart(syscalls, fd, address, 0, layout.CodeSize, ProtRead | ProtExec);
            }
            catch (Native.NativeCallException e) when (e.ErrorNumber is Native.Errno.EPERM or Native.Errno.EACCES)
            {
                throw new SutureException(
                    $"process {memory.Pid} does not allow new executable memory (a seccomp filter, SELinux execmem or a similar policy refused mmap with PROT_EXEC); cannot load a patch into it",
                    ExitCode.Unpatchable,
                    e);
            }

            MapPart(syscalls, fd, address, layout.CodeSize, layout.DataSize, ProtRead | ProtWrite);
            MapPart(syscalls, fd, address, layout.StateOffset, layout.StateSize, ProtRead);
            return true;
        }
        catch
        {
            syscalls.Invoke(Munmap, address, layout.TotalSize);
            throw;
        }
        finally
        {
            if (fd >= 0)
            {
                syscalls.Invoke(Close, (ulong)fd);
            }
        }
    }

    public static void Unmap(RemoteSyscalls syscalls, ulong address, ulong size) =>
        syscalls.Check("munmap", Munmap, address, size);

    private const string AppliedNamePrefix = State.AppliedPatchReader.MemfdPrefix;

    private static void MapPart(RemoteSyscalls syscalls, long fd, ulong address, ulong offset, ulong size, ulong protection)
    {
        if (size > 0)
        {
            syscalls.Check("mmap", Mmap, address + offset, size, protection, MapPrivate | MapFixed, (ulong)fd, offset);
        }
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
