using Suture.Process.Events;

namespace Suture.Process.Objects;

/// <summary>
/// What tells a process apart from an earlier process with the same pid, and whether its map may
/// have changed, from /proc/PID/stat alone: its start time (clock ticks after boot, proc(5) field
/// 22; exec keeps it, a new process with a reused pid has another) and its virtual size (field 23;
/// every mmap and munmap, so every library loaded or unloaded and every patch applied or reverted,
/// changes it). One small read per process instead of its whole map.
/// </summary>
public readonly record struct ProcessIdentity(ulong StartTime, ulong VirtualSize)
{
    /// <summary>The identity of process <paramref name="pid"/> now, or null when it has exited.</summary>
    public static ProcessIdentity? Read(int pid) => From(ProcStat.Read(pid));

    /// <summary>Parses the text of /proc/PID/stat (<see cref="ProcStat"/>).</summary>
    public static ProcessIdentity? Parse(string text) => From(ProcStat.Parse(text));

    private static ProcessIdentity? From(ProcStat? stat) =>
        stat is { VirtualSize: ulong size } ? new ProcessIdentity(stat.Value.StartTime, size) : null;
}
