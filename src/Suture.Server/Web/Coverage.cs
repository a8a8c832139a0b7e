using Microsoft.EntityFrameworkCore;
using Suture.Server.Data;

namespace Suture.Server.Web;

/// <summary>How a host stands against one CVE, judged by what its processes run.</summary>
internal enum CveState
{
    /// <summary>The host has not sent an inventory yet.</summary>
    Unknown,

    /// <summary>No process maps an object that a patch for the CVE targets.</summary>
    NotAffected,

    /// <summary>Every affected process runs the original code or a level below the fix.</summary>
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
/// Fleet coverage per CVE, from the uploaded patches (which levels of which Build ID fix which CVE)
/// and the hosts' last inventories (which level each process runs). Levels are cumulative: a
/// process is fixed when it runs the first level that names the CVE, or a later one.
/// </summary>
internal sealed class Coverage
{
    private readonly Dictionary<string, Dictionary<string, int>> _fixedFrom; // cve -> build id -> first fixing level
    private readonly Dictionary<string, List<(string BuildId, int Level)>> _processes; // host -> (build id, level) of its processes
    private readonly HashSet<string> _reported;

    private Coverage(Dictionary<string, Dictionary<string, int>> fixedFrom, Dictionary<string, List<(string, int)>> processes, HashSet<string> reported, IReadOnlyList<string> hosts)
    {
        _fixedFrom = fixedFrom;
        _processes = processes;
        _reported = reported;
        Hosts = hosts;
    }

    public IReadOnlyList<string> Hosts { get; }

    public IEnumerable<string> Cves => _fixedFrom.Keys.Order(StringComparer.Ordinal);

    public static async Task<Coverage> LoadAsync(ServerDb db, CancellationToken ct)
    {
        var fixes = await db.PatchCves.AsNoTracking()
            .Join(db.Patches, c => c.PatchId, p => p.Id, (c, p) => new { c.Cve, p.BuildId, p.Level })
            .ToListAsync(ct);
        var fixedFrom = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var f in fixes)
        {
            Dictionary<string, int> levels = fixedFrom.TryGetValue(f.Cve, out var l) ? l : fixedFrom[f.Cve] = new(StringComparer.Ordinal);
            levels[f.BuildId] = Math.Min(levels.GetValueOrDefault(f.BuildId, int.MaxValue), f.Level);
        }

        List<string> buildIds = [.. fixes.Select(f => f.BuildId).Distinct()];
        var rows = await db.HostObjects.AsNoTracking()
            .Where(o => buildIds.Contains(o.BuildId))
            .Join(db.HostProcesses, o => o.Id, p => p.HostObjectId, (o, p) => new { o.HostId, o.BuildId, p.Level })
            .Distinct()
            .ToListAsync(ct);
        var processes = new Dictionary<string, List<(string, int)>>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            (processes.TryGetValue(r.HostId, out var list) ? list : processes[r.HostId] = []).Add((r.BuildId, r.Level));
        }

        var hosts = await db.Hosts.AsNoTracking().Select(h => new { h.Id, Reported = h.InventoryDigest != null }).ToListAsync(ct);
        return new Coverage(fixedFrom, processes, [.. hosts.Where(h => h.Reported).Select(h => h.Id)], [.. hosts.Select(h => h.Id)]);
    }

    public bool Knows(string cve) => _fixedFrom.ContainsKey(cve);

    /// <summary>The Build IDs patches for <paramref name="cve"/> target, with the first level that fixes it.</summary>
    public IReadOnlyDictionary<string, int> FixedFrom(string cve) => _fixedFrom.GetValueOrDefault(cve) ?? [];

    public CveState StateOf(string hostId, string cve)
    {
        if (!_reported.Contains(hostId))
        {
            return CveState.Unknown;
        }

        Dictionary<string, int> levels = _fixedFrom[cve];
        int fixedCount = 0, affected = 0;
        foreach ((string buildId, int level) in _processes.GetValueOrDefault(hostId) ?? [])
        {
            if (levels.TryGetValue(buildId, out int from))
            {
                affected++;
                fixedCount += level >= from ? 1 : 0;
            }
        }

        return affected == 0 ? CveState.NotAffected
            : fixedCount == affected ? CveState.Fixed
            : fixedCount == 0 ? CveState.Vulnerable
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

    public static string Label(CveState state) => state switch
    {
        CveState.Fixed => "fixed",
        CveState.Partial => "partly fixed",
        CveState.Vulnerable => "vulnerable",
        CveState.NotAffected => "not affected",
        _ => "no inventory yet",
    };

    /// <summary>The CSS class of a state, in tables and the chart.</summary>
    public static string Css(CveState state) => state switch
    {
        CveState.Fixed => "fixed",
        CveState.Partial => "partial",
        CveState.Vulnerable => "vulnerable",
        CveState.NotAffected => "unaffected",
        _ => "unknown",
    };
}
