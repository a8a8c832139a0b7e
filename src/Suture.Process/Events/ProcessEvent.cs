namespace Suture.Process.Events;

/// <summary>What happened to a process.</summary>
public enum ProcessEventKind
{
    /// <summary>A new process (not a thread): <see cref="ProcessEvent.Pid"/> is the child, <see cref="ProcessEvent.ParentPid"/> the parent.</summary>
    Fork,

    /// <summary>The process runs a new program image (its libraries are not loaded yet when this arrives from the connector).</summary>
    Exec,

    /// <summary>The process ended; <see cref="ProcessEvent.Status"/> is its wait status where known.</summary>
    Exit,

    /// <summary>Events were dropped (the kernel's socket buffer or the channel overflowed): whoever keeps a view of the processes must rescan /proc.</summary>
    Lost,
}

/// <summary>
/// One process event. <see cref="Timestamp"/> is CLOCK_MONOTONIC in nanoseconds, comparable with
/// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> on Linux: the kernel's time of the
/// event from the connector, the time it was noticed from a /proc rescan.
/// </summary>
public sealed record ProcessEvent(ProcessEventKind Kind, int Pid, int ParentPid, int? Status, long Timestamp)
{
    /// <summary>The signal that killed the process, 0 for a normal exit or an unknown status.</summary>
    public int Signal => Status is int status && (status & 0x7f) is not 0 and not 0x7f ? status & 0x7f : 0;

    /// <summary>True when the process was killed by a signal and dumped core.</summary>
    public bool CoreDumped => Signal != 0 && (Status!.Value & 0x80) != 0;

    /// <summary>The exit code of a normal exit, null when killed by a signal or unknown.</summary>
    public int? ExitCode => Status is int status && (status & 0x7f) == 0 ? (status >> 8) & 0xff : null;

    public override string ToString() => Kind switch
    {
        ProcessEventKind.Fork => $"fork {ParentPid} -> {Pid}",
        ProcessEventKind.Exec => $"exec {Pid}",
        ProcessEventKind.Exit when Status is null => $"exit {Pid} (status unknown)",
        ProcessEventKind.Exit when Signal != 0 => $"exit {Pid} killed by signal {Signal}{(CoreDumped ? " (core dumped)" : "")}",
        ProcessEventKind.Exit => $"exit {Pid} code {ExitCode}",
        _ => "events lost",
    };
}
