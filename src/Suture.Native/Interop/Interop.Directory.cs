using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const long SYS_getdents64 = 217; // x86-64
    internal const int O_RDONLY = 0;
    internal const int O_DIRECTORY = 0x10000;
    internal const int O_CLOEXEC = 0x80000;

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OpenDirectory(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static unsafe partial long GetDents64(long number, int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int CloseDescriptor(int fd);
}
