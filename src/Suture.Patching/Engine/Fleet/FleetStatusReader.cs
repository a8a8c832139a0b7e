using Suture.Patching.Engine.Status;
using Suture.Patching.Host;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Fleet;

/// <summary>
/// Lists every process that maps a patched object, patched or not, without stopping anything.
/// The objects are those given (a patch or a store), else those any process runs a patch for.
/// </summary>
public static class FleetStatusReader
{
    public static IReadOnlyList<ObjectState> Read(IReadOnlySet<string>? buildIds) => States(HostScan.All(), buildIds);

    /// <summary>
    /// The states from one scan of the host (<see cref="HostScan"/>): each process's map was read
    /// once, for the objects it maps and for the patches it runs (the memfds of the loaded
    /// patches), so <c>status --all</c> and the host state it writes share one pass.
    /// </summary>
    public static IReadOnlyList<ObjectState> States(IReadOnlyList<ProcessSnapshot> processes, IReadOnlySet<string>? buildIds)
    {
        IReadOnlySet<string> wanted = buildIds
            ?? processes.SelectMany(p => p.Applied ?? []).Select(a => a.BuildId).ToHashSet(StringComparer.Ordinal);
        var states = new List<ObjectState>();
        if (wanted.Count == 0)
        {
            return states;
        }

        foreach (ProcessSnapshot process in processes)
        {
            string? name = null;
            foreach ((string path, string buildId) in process.Objects)
            {
                if (!wanted.Contains(buildId))
                {
                    continue;
                }

                name ??= ThreadList.Name(process.Pid, process.Pid);
                SnapshotRecord? active = process.Applied?.FirstOrDefault(p => p.IsActive && p.BuildId == buildId);
                states.Add(active is not null
                    ? new ObjectState(process.Pid, name, path, buildId, "patched", active.Level, active.PatchId, null)
                    : process.Problem is not null
                        ? new ObjectState(process.Pid, name, path, buildId, "not patchable", null, null, process.Problem)
                        : new ObjectState(process.Pid, name, path, buildId, "unpatched", null, null, process.Caveat()));
            }
        }

        return states;
    }
}
