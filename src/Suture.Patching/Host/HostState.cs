using Suture.Patching.Engine.Fleet;
using Suture.Patching.Engine.Status;
using Suture.Patching.State;

namespace Suture.Patching.Host;

/// <summary>
/// What the host really runs, for vulnerability scanners (docs/scanners.md): every patched
/// object with its package, the patches its processes run, and each CVE's state. Read from the
/// processes themselves (their records and the entries), without stopping anything.
/// </summary>
public sealed record HostState(DateTimeOffset TakenUtc, IReadOnlyList<HostObject> Objects, IReadOnlyList<HostCve> Cves)
{
    /// <summary>Collects the state now.</summary>
    /// <param name="known">
    /// CVEs of patches the caller knows about, by the Build ID they target (from patch files or a
    /// store): their objects are reported even where no process runs them, as not fixed.
    /// </param>
    public static HostState Collect(IReadOnlyDictionary<string, IReadOnlyList<(string PatchId, IReadOnlyList<string> Cves)>>? known = null, DpkgDatabase? dpkg = null)
    {
        dpkg ??= DpkgDatabase.Load();
        IReadOnlyList<ObjectState> states = FleetStatusReader.Read(known is null ? null : known.Keys.ToHashSet(StringComparer.Ordinal));
        var records = new Dictionary<int, IReadOnlyList<AppliedPatch>>();
        var objects = new List<HostObject>();
        foreach (IGrouping<(string BuildId, string Path), ObjectState> group in states.GroupBy(s => (BuildId: s.BuildId, Path: s.ObjectPath)).OrderBy(g => g.Key.Path, StringComparer.Ordinal))
        {
            var running = new List<(int Pid, AppliedPatch Patch)>();
            var unpatched = new List<(int, string)>();
            foreach (ObjectState state in group.OrderBy(s => s.Pid))
            {
                AppliedPatch? active = state.State == "patched" ? ActiveRecords(state.Pid, records).FirstOrDefault(p => p.BuildIdHex == group.Key.BuildId) : null;
                if (active is null)
                {
                    unpatched.Add((state.Pid, state.State == "patched" ? "exited" : state.Reason is null ? state.State : $"{state.State}: {state.Reason}"));
                }
                else
                {
                    running.Add((state.Pid, active));
                }
            }

            List<HostPatch> patches = running.GroupBy(r => (r.Patch.PatchId, r.Patch.Level))
                .Select(g => new HostPatch(g.Key.PatchId, g.Key.Level, g.First().Patch.Cves, g.First().Patch.Signer?.KeyId, g.First().Patch.Signer?.Name, g.Select(r => r.Pid).ToList()))
                .OrderBy(p => p.Level).ToList();
            var owner = dpkg.Owner(group.Key.Path);
            objects.Add(new HostObject(group.Key.Path, group.Key.BuildId, owner?.Package, owner?.Version, patches, running.Select(r => r.Pid).ToList(), unpatched)
            {
                Installed = owner is { } found ? dpkg.Package(found.Package) : null,
            });
        }

        if (new RunningKernel().AsHostObject(dpkg) is { } kernel)
        {
            objects.Add(kernel); // the kernel's suture livepatches (RunningKernel)
        }

        return new HostState(DateTimeOffset.UtcNow, objects, Judge(objects, known));
    }

    /// <summary>
    /// A CVE is fixed only when every process mapping every object it was patched in runs a
    /// patch that fixes it; partial when some do; not fixed when a known patch for it runs nowhere.
    /// </summary>
    private static List<HostCve> Judge(IReadOnlyList<HostObject> objects, IReadOnlyDictionary<string, IReadOnlyList<(string PatchId, IReadOnlyList<string> Cves)>>? known)
    {
        var cves = new SortedDictionary<string, (HashSet<string> Patches, HashSet<string> Objects, SortedSet<int> Patched, SortedSet<int> Unpatched, List<HostCveSite> Sites)>(StringComparer.Ordinal);
        foreach (HostObject o in objects)
        {
            IEnumerable<(string PatchId, string Cve)> fixes = o.Patches.SelectMany(p => p.Cves.Select(c => ($"{p.Id}.{p.Level}", c)));
            if (known is not null && known.TryGetValue(o.BuildId, out var given))
            {
                fixes = fixes.Concat(given.SelectMany(g => g.Cves.Select(c => (g.PatchId, c))));
            }

            foreach (IGrouping<string, (string PatchId, string Cve)> cve in fixes.GroupBy(f => f.Cve))
            {
                if (!cves.TryGetValue(cve.Key, out var entry))
                {
                    entry = ([], [], [], [], []);
                    cves[cve.Key] = entry;
                }

                entry.Patches.UnionWith(cve.Select(f => f.PatchId));
                entry.Objects.Add(o.Path);
                var fixedBy = o.Patches.Where(p => p.Cves.Contains(cve.Key, StringComparer.Ordinal)).SelectMany(p => p.Pids).Order().ToList();
                List<int> vulnerable = o.PatchedPids.Where(p => !fixedBy.Contains(p)).Concat(o.UnpatchedPids.Select(u => u.Pid)).Order().ToList();
                entry.Patched.UnionWith(fixedBy);
                entry.Unpatched.UnionWith(vulnerable);
                entry.Sites.Add(new HostCveSite(o, HostCveSite.Judge(fixedBy.Count, vulnerable.Count), fixedBy, vulnerable));
            }
        }

        return cves.Select(c => new HostCve(
            c.Key,
            HostCveSite.Judge(c.Value.Patched.Count, c.Value.Unpatched.Count),
            c.Value.Patches.Order(StringComparer.Ordinal).ToList(),
            c.Value.Objects.Order(StringComparer.Ordinal).ToList(),
            c.Value.Patched.ToList(),
            c.Value.Unpatched.ToList(),
            c.Value.Sites)).ToList();
    }

    private static IReadOnlyList<AppliedPatch> ActiveRecords(int pid, Dictionary<int, IReadOnlyList<AppliedPatch>> cache)
    {
        if (!cache.TryGetValue(pid, out IReadOnlyList<AppliedPatch>? active))
        {
            try
            {
                active = PatchStatusReader.ReadStatus(pid).Records.Where(v => v.Role == RecordRole.Active).Select(v => v.Record).ToList();
            }
            catch (SutureException)
            {
                active = []; // exited meanwhile, or unreadable: not running the patch
            }

            cache[pid] = active;
        }

        return active;
    }
}
