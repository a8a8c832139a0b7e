using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Suture.IO;

/// <summary>
/// Opens a file for reading only if it is a regular file, without ever blocking: the open uses
/// O_NONBLOCK (a FIFO with no writer would otherwise block the open forever, out of reach of
/// SIGINT handling) and the type is checked on the open descriptor (no window between a check
/// and the open). .NET's own <c>File.OpenHandle</c> opens without O_NONBLOCK and so blocks on a
/// FIFO; checking the type by path first would leave a window for a swap.
/// </summary>
public static class RegularFile
{
    /// <summary>The errno of a missing file, for callers that word that case apart.</summary>
    public const int NoSuchFile = Interop.ENOENT;

    /// <returns>The handle, or null with <paramref name="errno"/> set (open failed) or <paramref name="kind"/> set (not a regular file, e.g. "a FIFO (named pipe)").</returns>
    public static unsafe SafeFileHandle? TryOpenRead(string path, out int errno, out string? kind)
    {
        ArgumentNullException.ThrowIfNull(path);
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

        kind = Kind(*(uint*)(stat + Interop.StatModeOffset));
        if (kind is not null)
        {
            Interop.Close(fd);
            return null;
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Creates or truncates <paramref name="path"/> (mode 0644 before the umask) and writes
    /// <paramref name="content"/> with plain write(2) calls. .NET's file APIs write regular files
    /// with pwrite64, the call the kill-point tests count and fault for suture's writes into a
    /// target; files suture writes for itself around an apply (the host state) use this instead.
    /// </summary>
    /// <exception cref="IOException">open or write failed (names the path and the errno).</exception>
    public static unsafe void WriteAll(string path, ReadOnlySpan<byte> content)
    {
        int fd = Interop.Open(path, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_TRUNC | Interop.O_CLOEXEC | Interop.O_NOCTTY, 0b110_100_100);
        if (fd < 0)
        {
            throw new IOException($"cannot create {path}: {DescribeError(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            fixed (byte* start = content)
            {
                for (int done = 0; done < content.Length;)
                {
                    nint written = Interop.Write(fd, start + done, (nuint)(content.Length - done));
                    if (written < 0)
                    {
                        int errno = Marshal.GetLastPInvokeError();
                        if (errno == Interop.EINTR)
                        {
                            continue;
                        }

                        throw new IOException($"cannot write {path}: {DescribeError(errno)}");
                    }

                    done += (int)written;
                }
            }
        }
        finally
        {
            Interop.Close(fd);
        }
    }

    /// <summary>"ENOENT (No such file or directory)": the errno's name, where known, and its text.</summary>
    public static string DescribeError(int errno)
    {
        string name = errno switch
        {
            1 => "EPERM",
            2 => "ENOENT",
            3 => "ESRCH",
            4 => "EINTR",
            5 => "EIO",
            10 => "ECHILD",
            11 => "EAGAIN",
            13 => "EACCES",
            14 => "EFAULT",
            17 => "EEXIST",
            22 => "EINVAL",
            _ => "errno " + errno,
        };
        return $"{name} ({Marshal.GetPInvokeErrorMessage(errno)})";
    }

    /// <summary>Null for a regular file, else what the <c>st_mode</c> type bits say it is.</summary>
    internal static string? Kind(uint mode) => (mode & 0xf000) switch
    {
        0x8000 => null,
        0x4000 => "a directory",
        0x1000 => "a FIFO (named pipe)",
        0xc000 => "a socket",
        0x2000 => "a character device",
        0x6000 => "a block device",
        _ => "not a regular file",
    };
}
