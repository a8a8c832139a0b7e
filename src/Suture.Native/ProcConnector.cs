using System.Runtime.InteropServices;
using FileInterop = Suture.IO.Interop;

namespace Suture.Native;

/// <summary>What one <see cref="ProcConnector.Receive"/> got.</summary>
internal enum ConnectorReceive
{
    /// <summary>A datagram is in the buffer.</summary>
    Message,

    /// <summary>Nothing arrived within the timeout.</summary>
    Timeout,

    /// <summary><see cref="ProcConnector.Wake"/> was called.</summary>
    Woken,

    /// <summary>The socket's receive buffer overflowed (ENOBUFS): the kernel dropped events.</summary>
    Overflow,
}

/// <summary>
/// Checked socket calls for the kernel's process connector: a NETLINK_CONNECTOR datagram socket
/// bound to the CN_IDX_PROC multicast group, and an eventfd that wakes a blocked receive so the
/// thread reading it can stop at once. The messages themselves are built and decoded by the
/// caller (Suture.Process/Events). Not thread-safe except <see cref="Wake"/>.
/// </summary>
internal sealed class ProcConnector : IDisposable
{
    /// <summary>The connector index and value of the process events (<c>CN_IDX_PROC</c>, <c>CN_VAL_PROC</c>).</summary>
    public const uint ProcIndex = 1;
    public const uint ProcValue = 1;

    private int _socket;
    private int _wake;

    private ProcConnector(int socket, int wake)
    {
        _socket = socket;
        _wake = wake;
    }

    /// <summary>Opens and binds the socket, asking for a receive buffer of <paramref name="receiveBuffer"/> bytes.</summary>
    public static unsafe ProcConnector Open(int receiveBuffer)
    {
        int socket = Interop.Socket(Interop.AF_NETLINK, Interop.SOCK_DGRAM | Interop.SOCK_CLOEXEC, Interop.NETLINK_CONNECTOR);
        if (socket < 0)
        {
            throw new NativeCallException("socket(AF_NETLINK, NETLINK_CONNECTOR)", "the process connector", Marshal.GetLastPInvokeError());
        }

        int wake = -1;
        try
        {
            var address = new Interop.SockAddrNetlink { Family = Interop.AF_NETLINK, Pid = 0, Groups = ProcIndex };
            if (Interop.Bind(socket, &address, sizeof(Interop.SockAddrNetlink)) < 0)
            {
                throw new NativeCallException("bind(CN_IDX_PROC)", "the process connector", Marshal.GetLastPInvokeError());
            }

            // SO_RCVBUFFORCE passes net.core.rmem_max with CAP_NET_ADMIN; without it the smaller limit applies.
            int size = receiveBuffer;
            if (Interop.SetSockOpt(socket, Interop.SOL_SOCKET, Interop.SO_RCVBUFFORCE, &size, sizeof(int)) < 0
                && Interop.SetSockOpt(socket, Interop.SOL_SOCKET, Interop.SO_RCVBUF, &size, sizeof(int)) < 0)
            {
                throw new NativeCallException("setsockopt(SO_RCVBUF)", "the process connector", Marshal.GetLastPInvokeError());
            }

            wake = Interop.EventFd(0, Interop.EFD_CLOEXEC | Interop.EFD_NONBLOCK);
            if (wake < 0)
            {
                throw new NativeCallException("eventfd", "the process connector's wake-up", Marshal.GetLastPInvokeError());
            }

            return new ProcConnector(socket, wake);
        }
        catch
        {
            FileInterop.Close(socket);
            if (wake >= 0)
            {
                FileInterop.Close(wake);
            }

            throw;
        }
    }

    /// <summary>Sends one datagram to the kernel (the connector's control messages).</summary>
    public unsafe void Send(ReadOnlySpan<byte> message)
    {
        fixed (byte* pointer = message)
        {
            nint sent = Interop.Send(_socket, pointer, (nuint)message.Length, 0);
            if (sent < 0)
            {
                throw new NativeCallException("send", "the process connector", Marshal.GetLastPInvokeError());
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> (-1: no limit) for a datagram or a wake-up.</summary>
    public unsafe ConnectorReceive Receive(Span<byte> buffer, int timeoutMilliseconds, out int length)
    {
        length = 0;
        Interop.PollFd* fds = stackalloc Interop.PollFd[2];
        fds[0] = new Interop.PollFd { Fd = _socket, Events = Interop.POLLIN };
        fds[1] = new Interop.PollFd { Fd = _wake, Events = Interop.POLLIN };
        int ready = Interop.Poll(fds, 2, timeoutMilliseconds);
        if (ready < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == Interop.EINTR ? ConnectorReceive.Timeout : throw new NativeCallException("poll", "the process connector", errno);
        }

        if (fds[1].Revents != 0)
        {
            return ConnectorReceive.Woken;
        }

        if (ready == 0)
        {
            return ConnectorReceive.Timeout;
        }

        fixed (byte* pointer = buffer)
        {
            nint received = Interop.Recv(_socket, pointer, (nuint)buffer.Length, Interop.MSG_DONTWAIT);
            if (received < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return errno switch
                {
                    Interop.ENOBUFS => ConnectorReceive.Overflow,
                    Interop.EAGAIN or Interop.EINTR => ConnectorReceive.Timeout,
                    _ => throw new NativeCallException("recv", "the process connector", errno),
                };
            }

            length = (int)received;
            return ConnectorReceive.Message;
        }
    }

    /// <summary>Makes a blocked or the next <see cref="Receive"/> return <see cref="ConnectorReceive.Woken"/>; callable from any thread until disposed.</summary>
    public unsafe void Wake()
    {
        ulong one = 1;
        int wake = Volatile.Read(ref _wake);
        if (wake >= 0)
        {
            FileInterop.Write(wake, (byte*)&one, sizeof(ulong));
        }
    }

    public void Dispose()
    {
        int socket = Interlocked.Exchange(ref _socket, -1);
        int wake = Interlocked.Exchange(ref _wake, -1);
        if (socket >= 0)
        {
            FileInterop.Close(socket);
        }

        if (wake >= 0)
        {
            FileInterop.Close(wake);
        }
    }
}
