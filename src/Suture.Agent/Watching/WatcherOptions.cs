using Suture.Process.Events;

namespace Suture.Agent.Watching;

/// <summary>Settings of the agent's process watcher (docs/agent.md#watching-new-processes).</summary>
internal sealed record WatcherOptions
{
    /// <summary>Connector, /proc rescan, or the connector where the kernel grants it.</summary>
    public ProcessEventMechanism Mechanism { get; init; } = ProcessEventMechanism.Auto;

    /// <summary>How often the /proc rescan (the fallback) looks for new processes.</summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often every process's /proc/PID/maps is compared with the last look, for libraries loaded later (dlopen).</summary>
    public TimeSpan MapsInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a process that just exec'd is looked at until its libraries are loaded.</summary>
    public TimeSpan StartupPoll { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>How long a process may take to load its libraries before it is handed to the agent anyway.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long after a fork without exec the child is checked (a forked child runs its parent's code, patched or not).</summary>
    public TimeSpan ForkGrace { get; init; } = TimeSpan.FromMilliseconds(20);
}
