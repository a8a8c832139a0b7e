using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FileInterop = Suture.IO.Interop;

namespace Suture.Native;

/// <summary>
/// The entries of a directory whose names are decimal numbers (/proc/PID/task), read with one
/// open, getdents64 and close into a stack buffer: no path string, enumerator or stat per entry.
/// A thread stop reads the thread list while the process is held, so this is on its critical path.
/// </summary>
internal static class NumberedEntries
{
    private const int BufferSize = 8192;

    /// <summary>The numbered entries of <paramref name="path"/>, unsorted; null when it does not exist (ENOENT, ESRCH).</summary>
    /// <exception cref="NativeCallException">Any other failure to read it.</exception>
    public static unsafe List<int>? Read(string path)
    {
        int fd = FileInterop.Open(path, FileInterop.O_RDONLY | Interop.O_DIRECTORY | FileInterop.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is Interop.ENOENT or Interop.ESRCH ? null : throw new NativeCallException("open", path, errno);
        }

        try
        {
            var numbers = new List<int>();
            byte* buffer = stackalloc byte[BufferSize];
            while (true)
            {
                long read = Interop.GetDents64(Interop.SYS_getdents64, fd, buffer, BufferSize);
                if (read < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Interop.EINTR)
                    {
                        continue;
                    }

                    return errno is Interop.ENOENT or Interop.ESRCH ? null : throw new NativeCallException("getdents64", path, errno);
                }

                if (read == 0)
                {
                    return numbers;
                }

                Parse(new ReadOnlySpan<byte>(buffer, (int)read), numbers);
            }
        }
        finally
        {
            _ = FileInterop.Close(fd);
        }
    }

    /// <summary>Adds the positive decimal names among the linux_dirent64 records in <paramref name="records"/>.</summary>
    internal static void Parse(ReadOnlySpan<byte> records, List<int> numbers)
    {
        const int NameOffset = 19; // d_ino (8), d_off (8), d_reclen (2), d_type (1)
        int offset = 0;
        while (offset + NameOffset < records.Length)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(records[(offset + 16)..]);
            if (length <= NameOffset || offset + length > records.Length)
            {
                return; // malformed: keep what was read
            }

            ReadOnlySpan<byte> name = records.Slice(offset + NameOffset, length - NameOffset);
            int end = name.IndexOf((byte)0);
            if (TryNumber(end < 0 ? name : name[..end], out int number))
            {
                numbers.Add(number);
            }

            offset += length;
        }
    }

    private static bool TryNumber(ReadOnlySpan<byte> name, out int number)
    {
        number = 0;
        if (name.IsEmpty || name.Length > 9)
        {
            return false;
        }

        foreach (byte digit in name)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            number = number * 10 + (digit - '0');
        }

        return number > 0;
    }
}
