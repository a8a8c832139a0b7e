namespace Suture.Process.Events;

/// <summary>Opens the host's process event source: the netlink process connector, or a /proc rescan where the kernel will not send events.</summary>
public static class ProcessEvents
{
    /// <summary>
    /// Starts a source. With <see cref="ProcessEventMechanism.Auto"/> a connector that cannot be
    /// subscribed (no CAP_NET_ADMIN, a container's namespaces) falls back to the rescan, and
    /// <paramref name="fallbackReason"/> says why; <see cref="ProcessEventMechanism.Connector"/>
    /// throws instead.
    /// </summary>
    public static IProcessEventSource Open(ProcessEventOptions options, out string? fallbackReason)
    {
        fallbackReason = null;
        if (options.Mechanism == ProcessEventMechanism.Rescan)
        {
            return new RescanEventSource(options, null);
        }

        ConnectorEventSource? connector = ConnectorEventSource.TrySubscribe(options, out string? problem);
        if (connector is not null)
        {
            return connector;
        }

        if (options.Mechanism == ProcessEventMechanism.Connector)
        {
            throw new SutureException($"cannot subscribe to process events: {problem}; run with CAP_NET_ADMIN in the host's namespaces, or use the /proc rescan", ExitCode.PermissionDenied);
        }

        fallbackReason = problem;
        return new RescanEventSource(options, problem);
    }
}
