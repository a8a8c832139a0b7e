using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const long SYS_getdents64 = 217; // x86-64
    internal const int O_DIRECTORY = 0x10000; // open(2) and close(2) are Suture.Core's (Suture.IO.Interop)

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static unsafe partial long GetDents64(long number, int fd, byte* buffer, nuint count);
}
