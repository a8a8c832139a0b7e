namespace Suture.Process.Events;

/// <summary>Which way <see cref="ProcessEvents.Open"/> gets process events.</summary>
public enum ProcessEventMechanism
{
    /// <summary>The netlink process connector where the kernel grants it, else a /proc rescan.</summary>
    Auto,

    /// <summary>The netlink process connector only; failing to subscribe is an error.</summary>
    Connector,

    /// <summary>A /proc rescan only.</summary>
    Rescan,
}

/// <summary>Settings of a process event source.</summary>
public sealed record ProcessEventOptions
{
    public ProcessEventMechanism Mechanism { get; init; } = ProcessEventMechanism.Auto;

    /// <summary>How often the /proc rescan looks (default 100 ms).</summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Events the channel holds before it drops them (and reports <see cref="ProcessEventKind.Lost"/>).</summary>
    public int Capacity { get; init; } = 4096;

    /// <summary>How long to wait for the kernel to acknowledge the connector subscription before falling back.</summary>
    public TimeSpan AcknowledgeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The receive buffer asked for on the connector socket (bytes); a larger one rides out bursts of process starts.</summary>
    public int ReceiveBuffer { get; init; } = 4 * 1024 * 1024;
}
