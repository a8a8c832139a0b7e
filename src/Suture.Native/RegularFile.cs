using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Suture.Native;

/// <summary>
/// Opens a file for reading only if it is a regular file, without ever blocking: the open uses
/// O_NONBLOCK (a FIFO with no writer would otherwise block the open forever, out of reach of
/// SIGINT handling) and the type is checked on the open descriptor (no window between a check
/// and the open).
/// </summary>
internal static class RegularFile
{
    /// <returns>The handle, or null with <paramref name="errno"/> set (open failed) or <paramref name="kind"/> set (not a regular file).</returns>
    public static unsafe SafeFileHandle? TryOpenRead(string path, out int errno, out string? kind)
    {
        errno = 0;
        kind = null;
        int fd = Interop.Open(path, Interop.O_RDONLY | Interop.O_NONBLOCK | Interop.O_CLOEXEC | Interop.O_NOCTTY);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        byte* stat = stackalloc byte[Interop.StatSize];
        if (Interop.FStat(fd, stat) < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            Interop.Close(fd);
            return null;
        }

        uint type = *(uint*)(stat + Interop.StatModeOffset) & 0xf000;
        kind = type switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO (named pipe)",
            0xc000 => "a socket",
            0x2000 => "a character device",
            0x6000 => "a block device",
            _ => "not a regular file",
        };
        if (kind is not null)
        {
            Interop.Close(fd);
            return null;
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }
}
