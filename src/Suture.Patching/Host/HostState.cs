using Suture.Patching.Engine.Fleet;
using Suture.Patching.Engine.Status;

namespace Suture.Patching.Host;

/// <summary>
/// What the host really runs, for vulnerability scanners (docs/scanners.md): every patched
/// object with its package, the patches its processes run, and each CVE's state. Read from the
/// processes themselves (their records and the entries), without stopping anything.
/// </summary>
public sealed record HostState(DateTimeOffset TakenUtc, IReadOnlyList<HostObject> Objects, IReadOnlyList<HostCve> Cves)
{
    /// <summary>The processes this state was read from (every process of the host), kept for the next update; null when not known.</summary>
    public IReadOnlyList<ProcessSnapshot>? Processes { get; init; }

    /// <summary>The package owners looked up for it, kept with the processes while dpkg's database is unchanged.</summary>
    public PackageOwners? Owners { get; init; }

    /// <summary>Collects the state now, from a full scan of the host.</summary>
    /// <param name="known">
    /// CVEs of patches the caller knows about, by the Build ID they target (from patch files or a
    /// store): their objects are reported even where no process runs them, as not fixed.
    /// </param>
    public static HostState Collect(IReadOnlyDictionary<string, IReadOnlyList<(string PatchId, IReadOnlyList<string> Cves)>>? known = null, DpkgDatabase? dpkg = null) =>
        From(HostScan.All(), known, dpkg is null ? PackageOwners.Fresh() : PackageOwners.Of(dpkg));

    /// <summary>Collects the state now, from a full scan of the host, with package owners already known (<see cref="PackageOwners.Resume"/>).</summary>
    public static HostState Collect(PackageOwners? owners) => From(HostScan.All(), null, owners ?? PackageOwners.Fresh());

    /// <summary>
    /// The state after a command changed <paramref name="changed"/>: the processes of the last
    /// refresh (the scan cache in <paramref name="directory"/>) updated by <see cref="HostScan.Update"/>,
    /// so only the changed, new and remapped processes are read; a full scan when there is no
    /// usable cache.
    /// </summary>
    public static HostState Update(IReadOnlySet<int> changed, string directory) =>
        ScanCache.Read(directory) is { } previous
            ? From(HostScan.Update(previous.Processes, changed), null, previous.Owners)
            : Collect(owners: null);

    /// <summary>The state of the given processes (a full scan or an update, <see cref="HostScan"/>).</summary>
    public static HostState From(IReadOnlyList<ProcessSnapshot> processes, IReadOnlyDictionary<string, IReadOnlyList<(string PatchId, IReadOnlyList<string> Cves)>>? known, PackageOwners owners)
    {
        IReadOnlyList<ObjectState> states = FleetStatusReader.States(processes, known is null ? null : known.Keys.ToHashSet(StringComparer.Ordinal));
        Dictionary<int, ProcessSnapshot> byPid = processes.ToDictionary(p => p.Pid);
        var objects = new List<HostObject>();
        foreach (IGrouping<(string BuildId, string Path), ObjectState> group in states.GroupBy(s => (BuildId: s.BuildId, Path: s.ObjectPath)).OrderBy(g => g.Key.Path, StringComparer.Ordinal))
        {
            var running = new List<(int Pid, SnapshotActive Patch)>();
            var unpatched = new List<(int, string)>();
            foreach (ObjectState state in group.OrderBy(s => s.Pid))
            {
                SnapshotActive? active = state.State == "patched" ? byPid[state.Pid].Active.FirstOrDefault(p => p.BuildId == group.Key.BuildId) : null;
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
                .Select(g => new HostPatch(g.Key.PatchId, g.Key.Level, g.First().Patch.Cves, g.First().Patch.SignerKeyId, g.First().Patch.SignerName, g.Select(r => r.Pid).ToList()))
                .OrderBy(p => p.Level).ToList();
            PackageOwner? owner = owners.Owner(group.Key.Path);
            objects.Add(new HostObject(group.Key.Path, group.Key.BuildId, owner?.Package, owner?.Version, patches, running.Select(r => r.Pid).ToList(), unpatched)
            {
                Installed = owner?.Installed,
            });
        }

        if (new RunningKernel().AsHostObject(owners) is { } kernel)
        {
            objects.Add(kernel); // the kernel's suture livepatches (RunningKernel)
        }

        return new HostState(DateTimeOffset.UtcNow, objects, Judge(objects, known)) { Processes = processes, Owners = owners };
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
}
