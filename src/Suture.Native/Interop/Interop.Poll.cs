using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const short POLLIN = 0x1;
    internal const short POLLERR = 0x8;
    internal const short POLLHUP = 0x10;
    internal const int EFD_CLOEXEC = 0x80000;
    internal const int EFD_NONBLOCK = 0x800;

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    internal static unsafe partial int Poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport(Libc, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initial, int flags);
}
