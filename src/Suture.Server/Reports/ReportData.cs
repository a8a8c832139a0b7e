using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.Reports;

/// <summary>
/// What the reports are computed from, read in a few queries: hosts (with feed and tags), their
/// inventories, their results, the patches with CVEs, and each feed's enabled patches.
/// </summary>
internal sealed class ReportData
{
    private Dictionary<string, List<HostResult>>? _resultsByHost;

    private ReportData()
    {
    }

    public required List<ManagedHost> Hosts { get; init; }

    public required Dictionary<string, List<HostObject>> ObjectsByHost { get; init; }

    public required List<HostResult> Results { get; init; }

    public required List<Patch> Patches { get; init; }

    /// <summary>(feed id, patch id) of every enabled feed patch.</summary>
    public required HashSet<(long Feed, long Patch)> Enabled { get; init; }

    public static async Task<ReportData> LoadAsync(ServerDb db, string? hostId, CancellationToken ct)
    {
        IQueryable<ManagedHost> hosts = db.Hosts.AsNoTracking().Include(h => h.Feed).Include(h => h.Tags);
        IQueryable<HostObject> objects = db.HostObjects.AsNoTracking().Include(o => o.Processes);
        IQueryable<HostResult> results = db.HostResults.AsNoTracking();
        if (hostId is not null)
        {
            hosts = hosts.Where(h => h.Id == hostId);
            objects = objects.Where(o => o.HostId == hostId);
            results = results.Where(r => r.HostId == hostId);
        }

        List<HostObject> all = await objects.AsSplitQuery().ToListAsync(ct);
        return new ReportData
        {
            Hosts = await hosts.AsSplitQuery().OrderBy(h => h.Hostname).ThenBy(h => h.Id).ToListAsync(ct),
            ObjectsByHost = all.GroupBy(o => o.HostId).ToDictionary(g => g.Key, g => g.ToList()),
            Results = await results.OrderBy(r => r.At).ThenBy(r => r.Id).ToListAsync(ct),
            Patches = await db.Patches.AsNoTracking().Include(p => p.Cves).OrderBy(p => p.BuildId).ThenBy(p => p.Level).ToListAsync(ct),
            Enabled = [.. (await db.FeedPatches.AsNoTracking().Where(fp => fp.State == FeedPatchState.Enabled).Select(fp => new { fp.FeedId, fp.PatchId }).ToListAsync(ct))
                .Select(fp => (fp.FeedId, fp.PatchId))],
        };
    }

    /// <summary>
    /// The given hosts only, in the order given, with their inventories and results: what host
    /// rows are computed from (no patches). The host reports read a page (or a CSV chunk) of ids in
    /// the database, then this: a page of a thousand hosts reads a thousand hosts' rows, however
    /// large the fleet.
    /// </summary>
    public static async Task<ReportData> LoadHostsAsync(ServerDb db, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return new ReportData { Hosts = [], ObjectsByHost = [], Results = [], Patches = [], Enabled = [] };
        }

        var order = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        foreach (string id in ids)
        {
            order.TryAdd(id, order.Count);
        }

        List<ManagedHost> hosts = await db.Hosts.AsNoTracking().Include(h => h.Feed).Include(h => h.Tags).Where(h => ids.Contains(h.Id)).AsSplitQuery().ToListAsync(ct);
        List<HostObject> objects = await db.HostObjects.AsNoTracking().Include(o => o.Processes).Where(o => ids.Contains(o.HostId)).AsSplitQuery().ToListAsync(ct);
        return new ReportData
        {
            Hosts = [.. hosts.OrderBy(h => order[h.Id])],
            ObjectsByHost = objects.GroupBy(o => o.HostId).ToDictionary(g => g.Key, g => g.ToList()),
            Results = await db.HostResults.AsNoTracking().Where(r => ids.Contains(r.HostId)).OrderBy(r => r.At).ThenBy(r => r.Id).ToListAsync(ct),
            Patches = [],
            Enabled = [],
        };
    }

    public List<HostObject> ObjectsOf(ManagedHost h) => ObjectsByHost.GetValueOrDefault(h.Id) ?? [];

    /// <summary>The host's results, oldest first.</summary>
    public IReadOnlyList<HostResult> ResultsOf(ManagedHost h)
    {
        _resultsByHost ??= Results.GroupBy(r => r.HostId).ToDictionary(g => g.Key, g => g.ToList());
        return _resultsByHost.GetValueOrDefault(h.Id) ?? [];
    }
}
