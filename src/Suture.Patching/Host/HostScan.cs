using Suture.Process.Objects;

namespace Suture.Patching.Host;

/// <summary>
/// Reads the processes of the host for the host state. A full scan reads every process's map;
/// an update keeps the snapshot of every process whose identity (start time and virtual size,
/// one read of /proc/PID/stat) is unchanged and that the command did not change, drops the
/// processes that exited (or whose pid now names another process), and reads only the others:
/// the processes changed, started or remapped since. docs/scanners.md.
/// </summary>
public static class HostScan
{
    /// <summary>Every process but this one, in pid order.</summary>
    public static IReadOnlyList<ProcessSnapshot> All() => Update([], null);

    /// <param name="previous">The snapshots of the last scan (none: a full scan).</param>
    /// <param name="changed">Processes to read again whatever their identity says (those the command changed).</param>
    public static IReadOnlyList<ProcessSnapshot> Update(IReadOnlyList<ProcessSnapshot> previous, IReadOnlySet<int>? changed)
    {
        var kept = new Dictionary<int, ProcessSnapshot>(previous.Count);
        foreach (ProcessSnapshot snapshot in previous)
        {
            kept[snapshot.Pid] = snapshot;
        }

        int self = Environment.ProcessId;
        var cache = new BuildIdCache();
        var result = new List<ProcessSnapshot>();
        foreach (int pid in ProcessScanner.AllPids().Order())
        {
            if (pid == self)
            {
                continue;
            }

            if (kept.TryGetValue(pid, out ProcessSnapshot? old) && changed?.Contains(pid) != true
                && ProcessIdentity.Read(pid) is ProcessIdentity now && now == old.Identity)
            {
                result.Add(old);
            }
            else if (ProcessSnapshot.Take(pid, cache) is ProcessSnapshot fresh)
            {
                result.Add(fresh);
            }
        }

        return result;
    }
}
