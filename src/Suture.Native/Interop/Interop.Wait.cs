using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const int WNOHANG = 1;
    internal const int __WALL = 0x40000000;

    [LibraryImport(Libc, EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int WaitPid(int pid, out int status, int options);
}
