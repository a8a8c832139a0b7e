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
        var cache = new BuildIdCache();
        IReadOnlySet<string> wanted = buildIds ?? PatchedBuildIds();
        var states = new List<ObjectState>();
        if (wanted.Count == 0)
        {
            return states;
        }

        foreach ((int pid, IReadOnlyList<(string Path, string BuildId)> objects) in ProcessScanner.FindMapping(wanted, cache))
        {
            string name = ThreadList.Name(pid, pid);
            IReadOnlyList<AppliedPatch>? applied = TryReadApplied(pid, out string? problem);
            foreach ((string path, string buildId) in objects)
            {
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

    private static HashSet<string> PatchedBuildIds()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (int pid in ProcessScanner.AllPids())
        {
            if (pid == Environment.ProcessId)
            {
                continue;
            }

            IReadOnlyList<AppliedPatch>? applied = TryReadApplied(pid, out _);
            foreach (AppliedPatch patch in applied ?? [])
            {
                ids.Add(patch.BuildIdHex);
            }
        }

        return ids;
    }

    private static IReadOnlyList<AppliedPatch>? TryReadApplied(int pid, out string? problem)
    {
        problem = null;
        try
        {
            IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
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
