using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Data;
using Suture.Server.Feeds;

namespace Suture.Server.Web.Pages.Feeds;

/// <summary>Every feed in tier order (first tiers first) with its earlier tier, approval mode, delay, hosts and how many patches it deploys.</summary>
internal sealed class FeedsModel(ServerDb db, TimeProvider time) : WebPage(time)
{
    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        CancellationToken ct = HttpContext.RequestAborted;
        var feeds = await db.Feeds.AsNoTracking().ToListAsync(ct);
        Dictionary<long, int> tiers = Promotion.Tiers(feeds);
        Dictionary<long, string> names = feeds.ToDictionary(f => f.Id, f => f.Name);
        var hosts = await db.Hosts.GroupBy(h => h.FeedId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var states = await db.FeedPatches.AsNoTracking().Select(fp => new { fp.FeedId, fp.State, fp.Approved }).ToListAsync(ct);
        Rows = [.. feeds.OrderBy(f => tiers[f.Id]).ThenBy(f => f.Name, StringComparer.Ordinal).Select(f =>
        {
            var mine = states.Where(s => s.FeedId == f.Id).ToList();
            int deployed = mine.Count(s => s.State == FeedPatchState.Enabled && s.Approved is { } a && a.AddSeconds(f.DelaySeconds) <= Now);
            int enabled = mine.Count(s => s.State == FeedPatchState.Enabled);
            return new Row(f.Name, f.ApprovalMode, f.DelaySeconds, hosts.GetValueOrDefault(f.Id), deployed, enabled - deployed, mine.Count(s => s.State == FeedPatchState.Undeployed))
            {
                Tier = tiers[f.Id],
                PromotesFrom = f.PromotesFromId is { } from ? names[from] : null,
            };
        })];
    }

    public static string Hours(long seconds) => seconds == 0 ? "none" : (seconds / 3600.0).ToString("0.##", CultureInfo.InvariantCulture) + " h";

    public sealed record Row(string Name, ApprovalMode Mode, long DelaySeconds, int Hosts, int Deployed, int Pending, int Undeployed)
    {
        public int Tier { get; init; }

        public string? PromotesFrom { get; init; }
    }
}
