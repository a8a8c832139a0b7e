using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const int AF_NETLINK = 16;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int NETLINK_CONNECTOR = 11;
    internal const int SOL_SOCKET = 1;
    internal const int SO_RCVBUF = 8;
    internal const int SO_RCVBUFFORCE = 33;
    internal const int MSG_DONTWAIT = 0x40;

    /// <summary><c>struct sockaddr_nl</c>: family (u16), pad (u16), pid (u32), groups (u32).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct SockAddrNetlink
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Libc, EntryPoint = "bind", SetLastError = true)]
    internal static unsafe partial int Bind(int fd, SockAddrNetlink* address, int length);

    [LibraryImport(Libc, EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport(Libc, EntryPoint = "send", SetLastError = true)]
    internal static unsafe partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Libc, EntryPoint = "recv", SetLastError = true)]
    internal static unsafe partial nint Recv(int fd, byte* buffer, nuint length, int flags);
}
