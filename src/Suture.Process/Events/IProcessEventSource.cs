using System.Threading.Channels;

namespace Suture.Process.Events;

/// <summary>
/// Fork, exec and exit events of every process on the host, read on a thread of the source's own
/// and delivered through a bounded channel. Disposal stops the thread promptly and completes the
/// channel.
/// </summary>
public interface IProcessEventSource : IDisposable
{
    /// <summary>The events, in the order they were read; a <see cref="ProcessEventKind.Lost"/> event marks a gap.</summary>
    ChannelReader<ProcessEvent> Events { get; }

    /// <summary>How events are obtained, for logs and status (e.g. "netlink process connector").</summary>
    string Mechanism { get; }

    /// <summary>
    /// Asks for the exit status of <paramref name="pid"/>. The connector always reports it; a
    /// /proc rescan can only read it while the process is a zombie, so it looks at the watched
    /// processes on every pass (and reports the others' exits with an unknown status).
    /// </summary>
    void WatchExit(int pid);

    /// <summary>Stops asking for the exit status of <paramref name="pid"/>.</summary>
    void UnwatchExit(int pid);
}
