using System.Diagnostics;
using System.Threading.Channels;
using Suture.Native;

namespace Suture.Process.Events;

/// <summary>
/// Process events from the kernel's netlink process connector (CN_IDX_PROC): the kernel sends
/// every fork, exec and exit as it happens, with the exit's wait status, so nothing is polled.
/// Subscribing needs CAP_NET_ADMIN in the initial user namespace and a process in the initial
/// PID namespace; <see cref="TrySubscribe"/> checks the kernel's acknowledgement, since a kernel
/// that ignores the subscription (a container) says nothing at all.
/// </summary>
internal sealed class ConnectorEventSource : IProcessEventSource
{
    private const int BufferLength = 64 * 1024;
    private readonly ProcConnector _connector;
    private readonly EventChannel _channel;
    private readonly Thread _thread;
    private readonly List<ProcessEvent> _early;
    private volatile bool _stopping;
    private int _disposed;

    private ConnectorEventSource(ProcConnector connector, int capacity, List<ProcessEvent> early)
    {
        _connector = connector;
        _channel = new EventChannel(capacity);
        _early = early;
        _thread = new Thread(Run) { IsBackground = true, Name = "suture process events (connector)" };
        _thread.Start();
    }

    public ChannelReader<ProcessEvent> Events => _channel.Reader;

    public string Mechanism => "netlink process connector";

    /// <summary>Subscribes, or returns null with <paramref name="problem"/> saying why the kernel would not send events.</summary>
    public static ConnectorEventSource? TrySubscribe(ProcessEventOptions options, out string? problem)
    {
        ProcConnector connector;
        try
        {
            connector = ProcConnector.Open(options.ReceiveBuffer);
        }
        catch (SutureException e)
        {
            problem = e.Message;
            return null;
        }

        try
        {
            uint ack = (uint)Random.Shared.Next(1, int.MaxValue);
            connector.Send(ConnectorMessages.Subscription(ConnectorMessages.Listen, 1, ack));
            var early = new List<ProcessEvent>();
            var acks = new List<(uint Ack, int Error)>();
            byte[] buffer = new byte[BufferLength];
            var clock = Stopwatch.StartNew();
            while (true)
            {
                int left = (int)Math.Max(0, (options.AcknowledgeTimeout - clock.Elapsed).TotalMilliseconds);
                ConnectorReceive got = connector.Receive(buffer, left, out int length);
                if (got == ConnectorReceive.Message)
                {
                    acks.Clear();
                    ConnectorMessages.Decode(buffer.AsSpan(0, length), early, acks);
                    // The kernel answers with cn_msg.ack = our ack + 1 (other listeners' acks pass by too).
                    foreach ((uint answer, int error) in acks)
                    {
                        if (answer == ack + 1)
                        {
                            if (error != 0)
                            {
                                problem = $"the kernel refused PROC_CN_MCAST_LISTEN on the process connector: {Errno.Describe(error)} (it needs CAP_NET_ADMIN)";
                                connector.Dispose();
                                return null;
                            }

                            problem = null;
                            return new ConnectorEventSource(connector, options.Capacity, early);
                        }
                    }
                }
                else if (got == ConnectorReceive.Overflow)
                {
                    early.Add(new ProcessEvent(ProcessEventKind.Lost, 0, 0, null, Stopwatch.GetTimestamp()));
                }

                if (clock.Elapsed >= options.AcknowledgeTimeout)
                {
                    problem = $"the kernel did not acknowledge PROC_CN_MCAST_LISTEN on the process connector within {options.AcknowledgeTimeout.TotalSeconds:0.#} s (it ignores it outside the initial user and PID namespaces, e.g. in a container)";
                    connector.Dispose();
                    return null;
                }
            }
        }
        catch (SutureException e)
        {
            connector.Dispose();
            problem = e.Message;
            return null;
        }
    }

    /// <summary>The connector reports every exit with its status; nothing to do.</summary>
    public void WatchExit(int pid)
    {
    }

    public void UnwatchExit(int pid)
    {
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        _connector.Wake();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    private void Run()
    {
        Exception? failure = null;
        try
        {
            foreach (ProcessEvent item in _early)
            {
                if (item.Kind == ProcessEventKind.Lost)
                {
                    _channel.Lost();
                }
                else
                {
                    _channel.Write(item);
                }
            }

            byte[] buffer = new byte[BufferLength];
            var events = new List<ProcessEvent>();
            while (!_stopping)
            {
                switch (_connector.Receive(buffer, -1, out int length))
                {
                    case ConnectorReceive.Message:
                        events.Clear();
                        ConnectorMessages.Decode(buffer.AsSpan(0, length), events, null);
                        foreach (ProcessEvent item in events)
                        {
                            _channel.Write(item);
                        }

                        break;
                    case ConnectorReceive.Overflow:
                        _channel.Lost();
                        break;
                    case ConnectorReceive.Woken:
                        _stopping = true;
                        break;
                }
            }

            try
            {
                _connector.Send(ConnectorMessages.Subscription(ConnectorMessages.Ignore, 2, 0));
            }
            catch (SutureException)
            {
                // closing the socket unsubscribes as well
            }
        }
        catch (SutureException e)
        {
            failure = e;
        }
        finally
        {
            _connector.Dispose();
            _channel.Complete(failure);
        }
    }
}
