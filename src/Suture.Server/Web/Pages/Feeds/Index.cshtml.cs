using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Data;

namespace Suture.Server.Web.Pages.Feeds;

/// <summary>Every feed with its approval mode, delay, hosts and how many patches it deploys.</summary>
internal sealed class FeedsModel(ServerDb db, TimeProvider time) : WebPage(time)
{
    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        CancellationToken ct = HttpContext.RequestAborted;
        var feeds = await db.Feeds.AsNoTracking().OrderBy(f => f.Name).ToListAsync(ct);
        var hosts = await db.Hosts.GroupBy(h => h.FeedId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var states = await db.FeedPatches.AsNoTracking().Select(fp => new { fp.FeedId, fp.State, fp.Approved }).ToListAsync(ct);
        Rows = [.. feeds.Select(f =>
        {
            var mine = states.Where(s => s.FeedId == f.Id).ToList();
            int deployed = mine.Count(s => s.State == FeedPatchState.Enabled && s.Approved is { } a && a.AddSeconds(f.DelaySeconds) <= Now);
            int enabled = mine.Count(s => s.State == FeedPatchState.Enabled);
            return new Row(f.Name, f.ApprovalMode, f.DelaySeconds, hosts.GetValueOrDefault(f.Id), deployed, enabled - deployed, mine.Count(s => s.State == FeedPatchState.Undeployed));
        })];
    }

    public static string Hours(long seconds) => seconds == 0 ? "none" : (seconds / 3600.0).ToString("0.##", CultureInfo.InvariantCulture) + " h";

    public sealed record Row(string Name, ApprovalMode Mode, long DelaySeconds, int Hosts, int Deployed, int Pending, int Undeployed);
}
