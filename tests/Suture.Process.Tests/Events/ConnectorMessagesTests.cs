using System.Buffers.Binary;
using Suture.Process.Events;

namespace Suture.Process.Tests.Events;

/// <summary>The connector's wire format, decoded from datagrams laid out as linux/cn_proc.h has them.</summary>
public sealed class ConnectorMessagesTests
{
    [Fact]
    public void Process_forks_execs_exits_and_acks_decode_and_thread_events_are_skipped()
    {
        byte[] datagram = [
            .. Message(0x1, 100, 100, 200, 200),      // fork of process 200 by 100
            .. Message(0x1, 200, 200, 201, 200),      // thread 201 of 200: skipped
            .. Message(0x2, 200, 200),                // exec
            .. Message(0x80000000, 201, 200, 11, 17, 100, 100), // thread exit: skipped
            .. Message(0x80000000, 200, 200, 0x8b, 17, 100, 100), // SIGSEGV, core dumped
            .. Message(0, 0),                         // ack, no error
        ];
        var events = new List<ProcessEvent>();
        var acks = new List<(uint Ack, int Error)>();

        ConnectorMessages.Decode(datagram, events, acks);

        Assert.Equal(["fork 100 -> 200", "exec 200", "exit 200 killed by signal 11 (core dumped)"], events.Select(e => e.ToString()));
        Assert.Equal(123_456_789L, events[0].Timestamp);
        Assert.Equal(100, events[2].ParentPid);
        Assert.True(events[2].CoreDumped);
        Assert.Equal([(8u, 0)], acks);
    }

    [Fact]
    public void Truncated_and_foreign_messages_are_skipped()
    {
        byte[] good = Message(0x2, 7, 7);
        byte[] foreign = Message(0x2, 8, 8);
        BinaryPrimitives.WriteUInt32LittleEndian(foreign.AsSpan(16), 4); // another connector index
        var events = new List<ProcessEvent>();

        ConnectorMessages.Decode([.. foreign, .. good], events, null);
        ConnectorMessages.Decode(good.AsSpan(0, 30), events, null);
        ConnectorMessages.Decode(new byte[3], events, null);

        Assert.Equal(["exec 7"], events.Select(e => e.ToString()));
    }

    [Fact]
    public void An_exit_status_splits_into_code_signal_and_core()
    {
        Assert.Equal(3, new ProcessEvent(ProcessEventKind.Exit, 1, 0, 3 << 8, 0).ExitCode);
        Assert.Equal(0, new ProcessEvent(ProcessEventKind.Exit, 1, 0, 3 << 8, 0).Signal);
        Assert.Equal(6, new ProcessEvent(ProcessEventKind.Exit, 1, 0, 6, 0).Signal);
        Assert.False(new ProcessEvent(ProcessEventKind.Exit, 1, 0, 6, 0).CoreDumped);
        Assert.Equal(0, new ProcessEvent(ProcessEventKind.Exit, 1, 0, null, 0).Signal);
        Assert.Null(new ProcessEvent(ProcessEventKind.Exit, 1, 0, null, 0).ExitCode);
    }

    private static byte[] Message(uint what, params int[] data)
    {
        byte[] message = new byte[ConnectorMessages.EventDataOffset + (data.Length * 4)];
        Span<byte> m = message;
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(m[4..], 3);
        BinaryPrimitives.WriteUInt32LittleEndian(m[16..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(m[20..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(m[28..], 8);
        BinaryPrimitives.WriteUInt32LittleEndian(m[ConnectorMessages.PayloadOffset..], what);
        BinaryPrimitives.WriteUInt64LittleEndian(m[(ConnectorMessages.PayloadOffset + 8)..], 123_456_789);
        for (int i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(m[(ConnectorMessages.EventDataOffset + (i * 4))..], data[i]);
        }

        return message;
    }
}
