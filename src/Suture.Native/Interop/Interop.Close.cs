using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    /// <summary>close(2), for the descriptors this project opens itself (the process connector's socket and eventfd).</summary>
    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
