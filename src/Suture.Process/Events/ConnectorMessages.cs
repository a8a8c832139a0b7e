using System.Buffers.Binary;

namespace Suture.Process.Events;

/// <summary>
/// The process connector's wire format (x86-64, little-endian; linux/netlink.h, linux/connector.h,
/// linux/cn_proc.h): <c>struct nlmsghdr</c> (16 bytes: len, type, flags, seq, pid), then
/// <c>struct cn_msg</c> (20 bytes: id.idx, id.val, seq, ack, len, flags), then the payload: the
/// subscription's <c>enum proc_cn_mcast_op</c>, or a <c>struct proc_event</c> (what, cpu,
/// timestamp_ns, then the event's data at offset 16).
/// </summary>
internal static class ConnectorMessages
{
    public const int HeaderLength = 16;
    public const int ConnectorHeaderLength = 20;
    public const int PayloadOffset = HeaderLength + ConnectorHeaderLength;
    public const int EventDataOffset = PayloadOffset + 16;

    public const uint Listen = 1; // PROC_CN_MCAST_LISTEN
    public const uint Ignore = 2; // PROC_CN_MCAST_IGNORE

    private const ushort NlmsgDone = 3;
    private const ushort NlmsgError = 2;
    private const ushort NlmsgNoop = 1;
    private const uint EventNone = 0;
    private const uint EventFork = 0x1;
    private const uint EventExec = 0x2;
    private const uint EventExit = 0x80000000;

    /// <summary>The subscription message: one <c>proc_cn_mcast_op</c> (the kernel then sends all event types).</summary>
    public static byte[] Subscription(uint operation, uint sequence, uint ack)
    {
        byte[] message = new byte[PayloadOffset + 4];
        Span<byte> m = message;
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(m[4..], NlmsgDone);
        BinaryPrimitives.WriteUInt32LittleEndian(m[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(m[12..], (uint)Environment.ProcessId);
        BinaryPrimitives.WriteUInt32LittleEndian(m[16..], Suture.Native.ProcConnector.ProcIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(m[20..], Suture.Native.ProcConnector.ProcValue);
        BinaryPrimitives.WriteUInt32LittleEndian(m[24..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(m[28..], ack);
        BinaryPrimitives.WriteUInt16LittleEndian(m[32..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(m[PayloadOffset..], operation);
        return message;
    }

    /// <summary>
    /// Decodes every netlink message in one datagram: process events into <paramref name="events"/>
    /// (forks and exits of threads other than a process's main thread are skipped), and
    /// acknowledgements (<c>PROC_EVENT_NONE</c>) into <paramref name="acks"/> as (cn_msg.ack, error).
    /// Malformed or foreign messages are skipped.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> datagram, List<ProcessEvent> events, List<(uint Ack, int Error)>? acks)
    {
        while (datagram.Length >= HeaderLength)
        {
            int length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(datagram), int.MaxValue);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
            if (length < HeaderLength || length > datagram.Length)
            {
                return;
            }

            if (type != NlmsgError && type != NlmsgNoop)
            {
                DecodeOne(datagram[..length], events, acks);
            }

            int aligned = (length + 3) & ~3;
            datagram = aligned >= datagram.Length ? [] : datagram[aligned..];
        }
    }

    private static int Field(ReadOnlySpan<byte> data, int index) =>
        data.Length >= (index + 1) * 4 ? BinaryPrimitives.ReadInt32LittleEndian(data[(index * 4)..]) : -1;

    private static void DecodeOne(ReadOnlySpan<byte> message, List<ProcessEvent> events, List<(uint, int)>? acks)
    {
        if (message.Length < EventDataOffset
            || BinaryPrimitives.ReadUInt32LittleEndian(message[16..]) != Suture.Native.ProcConnector.ProcIndex
            || BinaryPrimitives.ReadUInt32LittleEndian(message[20..]) != Suture.Native.ProcConnector.ProcValue)
        {
            return;
        }

        uint ack = BinaryPrimitives.ReadUInt32LittleEndian(message[28..]);
        ReadOnlySpan<byte> header = message[PayloadOffset..];
        uint what = BinaryPrimitives.ReadUInt32LittleEndian(header);
        long timestamp = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(header[8..]), long.MaxValue);
        ReadOnlySpan<byte> data = message[EventDataOffset..];
        switch (what)
        {
            case EventNone:
                acks?.Add((ack, Field(data, 0)));
                break;
            case EventFork when Field(data, 3) > 0 && Field(data, 2) == Field(data, 3):
                events.Add(new ProcessEvent(ProcessEventKind.Fork, Field(data, 3), Field(data, 1), null, timestamp));
                break;
            case EventExec when Field(data, 1) > 0:
                events.Add(new ProcessEvent(ProcessEventKind.Exec, Field(data, 1), 0, null, timestamp));
                break;
            case EventExit when Field(data, 2) >= 0 && Field(data, 1) > 0 && Field(data, 0) == Field(data, 1):
                // parent_pid/parent_tgid (fields 4 and 5) are missing from old kernels' events.
                events.Add(new ProcessEvent(ProcessEventKind.Exit, Field(data, 1), Math.Max(0, Field(data, 5)), Field(data, 2), timestamp));
                break;
        }
    }
}
