using Suture.Patching.Engine.Status;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Fleet;

/// <summary>
/// Lists every process that maps a patched object, patched or not, without stopping anything.
/// The objects are those given (a patch or a store), else those any process runs a patch for.
/// </summary>
public static class FleetStatusReader
{
    public static IReadOnlyList<ObjectState> Read(IReadOnlySet<string>? buildIds)
    {
        // One pass over the host: each process's map is read once, for the objects it maps and
        // for the patches it runs (the memfds of the loaded patches). The host-state refresh after
        // every apply and revert is this scan, so reading every map twice (once to learn which
        // objects are patched anywhere, once to find their processes) doubled its cost.
        var cache = new BuildIdCache();
        var processes = new List<(int Pid, IReadOnlyList<MemoryMapping> Heads, IReadOnlyList<(string Path, string BuildId)>? Objects, IReadOnlyList<AppliedPatch>? Applied, string? Problem)>();
        foreach ((int pid, IReadOnlyList<MemoryMapping> mappings) in ProcessScanner.Maps())
        {
            // Only the first mapping of each file names an object; kept small for the second step.
            List<MemoryMapping> heads = mappings.Where(m => m.IsFile && m.Offset == 0 && m.IsReadable).ToList();
            IReadOnlyList<(string Path, string BuildId)>? objects = null;
            if (buildIds is not null)
            {
                objects = ProcessScanner.Objects(pid, heads, cache);
                if (!objects.Any(o => buildIds.Contains(o.BuildId)))
                {
                    continue;
                }
            }

            IReadOnlyList<AppliedPatch>? applied = TryReadApplied(pid, mappings, out string? problem);
            processes.Add((pid, heads, objects, applied, problem));
        }

        IReadOnlySet<string> wanted = buildIds
            ?? processes.SelectMany(p => p.Applied ?? []).Select(a => a.BuildIdHex).ToHashSet(StringComparer.Ordinal);
        var states = new List<ObjectState>();
        if (wanted.Count == 0)
        {
            return states;
        }

        foreach ((int pid, IReadOnlyList<MemoryMapping> heads, IReadOnlyList<(string Path, string BuildId)>? known, IReadOnlyList<AppliedPatch>? applied, string? problem) in processes)
        {
            string? name = null;
            foreach ((string path, string buildId) in known ?? ProcessScanner.Objects(pid, heads, cache))
            {
                if (!wanted.Contains(buildId))
                {
                    continue;
                }

                name ??= ThreadList.Name(pid, pid);
                AppliedPatch? active = applied?.FirstOrDefault(p => p.IsActive && p.BuildIdHex == buildId);
                states.Add(active is not null
                    ? new ObjectState(pid, name, path, buildId, "patched", active.Level, active.PatchId, null)
                    : problem is not null
                        ? new ObjectState(pid, name, path, buildId, "not patchable", null, null, problem)
                        : new ObjectState(pid, name, path, buildId, "unpatched", null, null, Caveat(pid)));
            }
        }

        return states;
    }

    private static IReadOnlyList<AppliedPatch>? TryReadApplied(int pid, IReadOnlyList<MemoryMapping> mappings, out string? problem)
    {
        problem = null;
        try
        {
            if (!mappings.Any(m => m.Path.StartsWith("/memfd:" + AppliedPatchReader.MemfdPrefix, StringComparison.Ordinal)))
            {
                using ProcessMemory probe = ProcessMemory.Open(pid, writable: true);
                return [];
            }

            using ProcessMemory memory = ProcessMemory.Open(pid, writable: true);
            return AppliedPatchReader.Read(mappings, memory);
        }
        catch (SutureException e)
        {
            problem = e.ExitCode == ExitCode.PermissionDenied ? "permission denied (suture needs root or CAP_SYS_PTRACE)" : e.Message;
            return null;
        }
    }

    /// <summary>A note for an unpatched process whose policy may refuse a patch.</summary>
    private static string? Caveat(int pid) =>
        ProcStatus.ReadProcess(pid)?.Field("Seccomp") == "2" ? "has a seccomp filter, which may forbid new executable memory" : null;
}
