using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Data;

namespace Suture.Server.Reports;

/// <summary>How a host stands against one CVE, judged by what its processes run.</summary>
internal enum CveState
{
    /// <summary>The host has not sent an inventory yet.</summary>
    Unknown,

    /// <summary>No process maps an object that a patch for the CVE targets.</summary>
    NotAffected,

    /// <summary>No affected process runs a level that fixes the CVE.</summary>
    Vulnerable,

    /// <summary>Some affected processes run the fix, some do not.</summary>
    Partial,

    /// <summary>Every affected process runs a level at or above the first one that fixes the CVE.</summary>
    Fixed,
}

/// <summary>One CVE across the fleet: how many hosts stand how.</summary>
internal sealed record CveCoverage(string Cve, int Fixed, int Partial, int Vulnerable, int NotAffected, int Unknown)
{
    public int Hosts => Fixed + Partial + Vulnerable + NotAffected + Unknown;

    public int Count(CveState state) => state switch
    {
        CveState.Fixed => Fixed,
        CveState.Partial => Partial,
        CveState.Vulnerable => Vulnerable,
        CveState.NotAffected => NotAffected,
        _ => Unknown,
    };
}

/// <summary>
/// Fleet coverage per CVE, the one computation the web UI and the reports (<c>/api/v1/reports/cves</c>)
/// share: from the uploaded patches (which levels of which Build ID fix which CVE) and the hosts'
/// last inventories (which level each process runs for each object it maps). Levels are cumulative:
/// a process is fixed when, for every object it maps that a patch for the CVE targets, it runs the
/// first level that names the CVE or a later one (a level the server has no patch for included).
/// A host is fixed when all its affected processes are, partly fixed when some are, vulnerable
/// when none is, not affected when it has none, and unknown before its first inventory.
/// </summary>
internal sealed class Coverage
{
    private readonly Dictionary<string, Dictionary<string, int>> _fixedFrom; // cve -> build id -> first fixing level
    private readonly Dictionary<string, List<Mapping>> _processes; // host -> what its processes map
    private readonly HashSet<string> _reported;

    private Coverage(Dictionary<string, Dictionary<string, int>> fixedFrom, Dictionary<string, List<Mapping>> processes, HashSet<string> reported, IReadOnlyList<string> hosts)
    {
        _fixedFrom = fixedFrom;
        _processes = processes;
        _reported = reported;
        Hosts = hosts;
    }

    /// <summary>One process mapping one object, at a level.</summary>
    internal readonly record struct Mapping(string BuildId, int Pid, int Level);

    public IReadOnlyList<string> Hosts { get; }

    public IEnumerable<string> Cves => _fixedFrom.Keys.Order(StringComparer.Ordinal);

    /// <summary>Reads what coverage needs, in three queries (the web UI's pages).</summary>
    public static async Task<Coverage> LoadAsync(ServerDb db, CancellationToken ct)
    {
        var fixes = await db.PatchCves.AsNoTracking()
            .Join(db.Patches, c => c.PatchId, p => p.Id, (c, p) => new { c.Cve, p.BuildId, p.Level })
            .ToListAsync(ct);
        List<string> buildIds = [.. fixes.Select(f => f.BuildId).Distinct()];
        var rows = await db.HostObjects.AsNoTracking()
            .Where(o => buildIds.Contains(o.BuildId))
            .Join(db.HostProcesses, o => o.Id, p => p.HostObjectId, (o, p) => new { o.HostId, o.BuildId, p.Pid, p.Level })
            .ToListAsync(ct);
        var hosts = await db.Hosts.AsNoTracking().Select(h => new { h.Id, Reported = h.InventoryDigest != null }).ToListAsync(ct);
        return Build(
            fixes.Select(f => (f.Cve, f.BuildId, f.Level)),
            rows.Select(r => (r.HostId, new Mapping(r.BuildId, r.Pid, r.Level))),
            hosts.Select(h => (h.Id, h.Reported)));
    }

    /// <summary>The same from what the reports already read.</summary>
    public static Coverage From(ReportData d) => Build(
        d.Patches.SelectMany(p => p.Cves.Select(c => (c.Cve, p.BuildId, p.Level))),
        d.Hosts.SelectMany(h => d.ObjectsOf(h).SelectMany(o => o.Processes.Select(p => (h.Id, new Mapping(o.BuildId, p.Pid, p.Level))))),
        d.Hosts.Select(h => (h.Id, h.InventoryDigest != null)));

    private static Coverage Build(IEnumerable<(string Cve, string BuildId, int Level)> fixes, IEnumerable<(string HostId, Mapping Mapping)> mappings, IEnumerable<(string Id, bool Reported)> hosts)
    {
        var fixedFrom = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach ((string cve, string buildId, int level) in fixes)
        {
            Dictionary<string, int> levels = fixedFrom.TryGetValue(cve, out var l) ? l : fixedFrom[cve] = new(StringComparer.Ordinal);
            levels[buildId] = Math.Min(levels.GetValueOrDefault(buildId, int.MaxValue), level);
        }

        var processes = new Dictionary<string, List<Mapping>>(StringComparer.Ordinal);
        foreach ((string host, Mapping m) in mappings)
        {
            (processes.TryGetValue(host, out var list) ? list : processes[host] = []).Add(m);
        }

        List<(string Id, bool Reported)> all = [.. hosts];
        return new Coverage(fixedFrom, processes, [.. all.Where(h => h.Reported).Select(h => h.Id)], [.. all.Select(h => h.Id)]);
    }

    public bool Knows(string cve) => _fixedFrom.ContainsKey(cve);

    /// <summary>The Build IDs patches for <paramref name="cve"/> target, with the first level that fixes it.</summary>
    public IReadOnlyDictionary<string, int> FixedFrom(string cve) => _fixedFrom.GetValueOrDefault(cve) ?? [];

    /// <summary>The host's affected processes: those fixed and those still vulnerable, by pid.</summary>
    public (IReadOnlyList<int> Fixed, IReadOnlyList<int> Vulnerable) Pids(string hostId, string cve)
    {
        Dictionary<string, int> levels = _fixedFrom.GetValueOrDefault(cve) ?? [];
        var affected = new SortedSet<int>();
        var vulnerable = new SortedSet<int>();
        foreach (Mapping m in _processes.GetValueOrDefault(hostId) ?? [])
        {
            if (levels.TryGetValue(m.BuildId, out int from))
            {
                affected.Add(m.Pid);
                if (m.Level < from)
                {
                    vulnerable.Add(m.Pid);
                }
            }
        }

        affected.ExceptWith(vulnerable);
        return ([.. affected], [.. vulnerable]);
    }

    public CveState StateOf(string hostId, string cve)
    {
        if (!_reported.Contains(hostId))
        {
            return CveState.Unknown;
        }

        (IReadOnlyList<int> fixedPids, IReadOnlyList<int> vulnerable) = Pids(hostId, cve);
        return fixedPids.Count + vulnerable.Count == 0 ? CveState.NotAffected
            : vulnerable.Count == 0 ? CveState.Fixed
            : fixedPids.Count == 0 ? CveState.Vulnerable
            : CveState.Partial;
    }

    public CveCoverage Of(string cve)
    {
        int[] counts = new int[5];
        foreach (string host in Hosts)
        {
            counts[(int)StateOf(host, cve)]++;
        }

        return new CveCoverage(cve, counts[(int)CveState.Fixed], counts[(int)CveState.Partial], counts[(int)CveState.Vulnerable], counts[(int)CveState.NotAffected], counts[(int)CveState.Unknown]);
    }

    /// <summary>Every CVE, the most exposed first (vulnerable, then partly fixed hosts), then by name.</summary>
    public IReadOnlyList<CveCoverage> All() =>
        [.. Cves.Select(Of).OrderByDescending(c => c.Vulnerable).ThenByDescending(c => c.Partial).ThenBy(c => c.Cve, StringComparer.Ordinal)];

    /// <summary>The state as the reports' contract names it.</summary>
    public static CveHostState ToReport(CveState state) => state switch
    {
        CveState.Fixed => CveHostState.Fixed,
        CveState.Partial => CveHostState.PartiallyFixed,
        CveState.Vulnerable => CveHostState.Vulnerable,
        CveState.NotAffected => CveHostState.NotAffected,
        _ => CveHostState.NotReported,
    };
}
