using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Data;
using Suture.Server.Reports;

namespace Suture.Server.Web.Pages.Hosts;

/// <summary>One host: its inventory (each process and the level it runs), its CVE states and its last results.</summary>
internal sealed class HostModel(ServerDb db, TimeProvider time) : WebPage(time)
{
    public const int MaxResults = 50;

    public string Id { get; private set; } = "";

    public string Hostname { get; private set; } = "";

    public string Feed { get; private set; } = "";

    public IReadOnlyList<string> Tags { get; private set; } = [];

    public DateTimeOffset Registered { get; private set; }

    public DateTimeOffset? LastCheckIn { get; private set; }

    public string? AgentVersion { get; private set; }

    public IReadOnlyList<ObjectRow> Objects { get; private set; } = [];

    public IReadOnlyList<(string Cve, CveState State)> Cves { get; private set; } = [];

    public IReadOnlyList<ResultRow> Results { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id)
    {
        CancellationToken ct = HttpContext.RequestAborted;
        var host = await db.Hosts.AsNoTracking()
            .Include(h => h.Tags).Include(h => h.Feed).Include(h => h.Objects).ThenInclude(o => o.Processes)
            .AsSplitQuery()
            .FirstOrDefaultAsync(h => h.Id == id, ct);
        if (host is null)
        {
            return NotFound();
        }

        (Id, Hostname, Feed, Registered, LastCheckIn, AgentVersion) = (host.Id, host.Hostname, host.Feed.Name, host.Registered, host.LastCheckIn, host.AgentVersion);
        Tags = [.. host.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal)];
        List<string> buildIds = [.. host.Objects.Select(o => o.BuildId).Distinct()];
        Dictionary<string, int> targets = await TargetsAsync(host.FeedId, buildIds, ct);
        Objects = [.. host.Objects.OrderBy(o => o.Path, StringComparer.Ordinal).Select(o => new ObjectRow(
            o.BuildId, o.Path, o.Package, o.Version, targets.GetValueOrDefault(o.BuildId),
            [.. o.Processes.OrderBy(p => p.Pid).Select(p => new ProcessRow(p.Pid, p.Command, p.Level, p.PatchId))]))];
        Coverage coverage = await Coverage.LoadAsync(db, ct);
        Cves = [.. coverage.Cves.Select(c => (c, coverage.StateOf(host.Id, c))).Where(c => c.Item2 != CveState.NotAffected)];
        Results = await db.HostResults.AsNoTracking().Where(r => r.HostId == id).OrderByDescending(r => r.Received).ThenByDescending(r => r.Id).Take(MaxResults)
            .Select(r => new ResultRow(r.At, r.Pid, r.Action, r.Outcome, r.PatchSha256, r.Message)).ToListAsync(ct);
        return Page();
    }

    /// <summary>Per object, the highest level the feed has enabled and whose delay has passed (0: the original code).</summary>
    private async Task<Dictionary<string, int>> TargetsAsync(long feedId, List<string> buildIds, CancellationToken ct)
    {
        long delay = await db.Feeds.Where(f => f.Id == feedId).Select(f => f.DelaySeconds).SingleAsync(ct);
        var enabled = await db.FeedPatches.AsNoTracking()
            .Where(fp => fp.FeedId == feedId && fp.State == FeedPatchState.Enabled && buildIds.Contains(fp.Patch.BuildId))
            .Select(fp => new { fp.Patch.BuildId, fp.Patch.Level, fp.Approved })
            .ToListAsync(ct);
        return enabled.Where(e => e.Approved is { } a && a.AddSeconds(delay) <= Now)
            .GroupBy(e => e.BuildId)
            .ToDictionary(g => g.Key, g => g.Max(e => e.Level), StringComparer.Ordinal);
    }

    public sealed record ObjectRow(string BuildId, string Path, string? Package, string? Version, int Target, IReadOnlyList<ProcessRow> Processes);

    public sealed record ProcessRow(int Pid, string Command, int Level, string? PatchId);

    public sealed record ResultRow(DateTimeOffset At, int Pid, string Action, string Outcome, string PatchSha256, string? Message);
}
