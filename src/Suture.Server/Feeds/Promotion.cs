using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.Feeds;

/// <summary>
/// Ordered feeds (tiers: test, then staging, then production): a feed may name the earlier tier it
/// is promoted from. A level reaches a later tier only by promotion, and only once it is deployed
/// in the earlier one (enabled there and its delay passed): explicitly (<c>POST
/// /api/v1/feeds/{name}/promote</c>, approved then, so the later tier's own delay counts from the
/// promotion), or, for an automatic later tier, by itself: approved from the moment it deploys in
/// the earlier tier, so it reaches the later tier's hosts after it has been out in the earlier one
/// for the later tier's delay. A promotion never overrides a decision the later tier made (a level
/// it disabled or undeployed stays so) and changes nothing when done again.
/// docs/protocol.md#feed-tiers-and-promotion.
/// </summary>
internal static class Promotion
{
    /// <summary>Who did what, for the audit entries a promotion writes.</summary>
    internal sealed record Cause(AuditLog Audit, string Actor, string? Remote);

    /// <summary>
    /// Promotes into <paramref name="target"/> every level deployed now in its earlier tier (of one
    /// object, or all), then on to the automatic tiers after it. Answers the target's rows of the
    /// objects considered.
    /// </summary>
    public static async Task<List<FeedPatch>> PromoteAsync(ServerDb db, Cause cause, Feed target, Feed source, string? buildId, DateTimeOffset now, CancellationToken ct)
    {
        IQueryable<FeedPatch> deployedQuery = db.FeedPatches.Include(fp => fp.Patch)
            .Where(fp => fp.FeedId == source.Id && fp.State == FeedPatchState.Enabled);
        if (buildId is not null)
        {
            deployedQuery = deployedQuery.Where(fp => fp.Patch.BuildId == buildId);
        }

        List<Patch> deployed = [.. (await deployedQuery.ToListAsync(ct))
            .Where(fp => fp.Approved is { } a && a.AddSeconds(source.DelaySeconds) <= now)
            .Select(fp => fp.Patch)];
        await EnableAsync(db, cause, target, source, "feed.promote", [.. deployed.Select(p => (p, now))], now, ct);
        await db.SaveChangesAsync(ct);
        HashSet<string> buildIds = [.. deployed.Select(p => p.BuildId)];
        if (buildId is not null)
        {
            buildIds.Add(buildId);
        }

        return [.. (await db.FeedPatches.Include(fp => fp.Patch).Where(fp => fp.FeedId == target.Id && buildIds.Contains(fp.Patch.BuildId)).ToListAsync(ct))
            .OrderBy(fp => fp.Patch.BuildId, StringComparer.Ordinal).ThenBy(fp => fp.Patch.Level)];
    }

    /// <summary>
    /// Levels just enabled in <paramref name="feed"/> (each with its approval time there) go on to the
    /// automatic tiers promoted from it, approved when they deploy in <paramref name="feed"/>.
    /// </summary>
    public static async Task CascadeAsync(ServerDb db, Cause cause, Feed feed, IReadOnlyList<(Patch Patch, DateTimeOffset Approved)> enabled, DateTimeOffset now, CancellationToken ct)
    {
        if (enabled.Count == 0)
        {
            return;
        }

        List<Feed> later = await db.Feeds.AsNoTracking().Where(f => f.PromotesFromId == feed.Id && f.ApprovalMode == ApprovalMode.Automatic).OrderBy(f => f.Name).ToListAsync(ct);
        foreach (Feed next in later)
        {
            await EnableAsync(db, cause, next, feed, "feed.promote.automatic", [.. enabled.Select(e => (e.Patch, e.Approved.AddSeconds(feed.DelaySeconds)))], now, ct);
        }
    }

    /// <summary>Enables in <paramref name="target"/> the given levels it has no state for yet, audited, then cascades on.</summary>
    private static async Task EnableAsync(ServerDb db, Cause cause, Feed target, Feed source, string action, List<(Patch Patch, DateTimeOffset Approved)> levels, DateTimeOffset now, CancellationToken ct)
    {
        if (levels.Count == 0)
        {
            return;
        }

        List<long> ids = [.. levels.Select(l => l.Patch.Id)];
        HashSet<long> decided = [.. await db.FeedPatches.Where(fp => fp.FeedId == target.Id && ids.Contains(fp.PatchId)).Select(fp => fp.PatchId).ToListAsync(ct)];
        decided.UnionWith(db.ChangeTracker.Entries<FeedPatch>().Where(e => e.Entity.FeedId == target.Id).Select(e => e.Entity.PatchId));
        List<(Patch Patch, DateTimeOffset Approved)> added = [.. levels.Where(l => !decided.Contains(l.Patch.Id)).OrderBy(l => l.Patch.BuildId, StringComparer.Ordinal).ThenBy(l => l.Patch.Level)];
        if (added.Count == 0)
        {
            return;
        }

        foreach ((Patch p, DateTimeOffset approved) in added)
        {
            db.FeedPatches.Add(new FeedPatch { FeedId = target.Id, PatchId = p.Id, State = FeedPatchState.Enabled, Approved = approved, Changed = now });
        }

        await cause.Audit.AppendAsync(db, cause.Actor, action, target.Name, new()
        {
            ["from"] = source.Name,
            ["levels"] = string.Join(' ', added.Select(a => $"{a.Patch.BuildId}:{a.Patch.Level}")),
            ["deploys"] = string.Join(' ', added.Select(a => a.Approved.AddSeconds(target.DelaySeconds).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Distinct()),
        }, cause.Remote, ct);
        await CascadeAsync(db, cause, target, added, now, ct);
    }

    /// <summary>Each feed's tier: 0 for a first tier, else one more than its earlier tier's.</summary>
    public static Dictionary<long, int> Tiers(IReadOnlyList<Feed> feeds)
    {
        Dictionary<long, Feed> byId = feeds.ToDictionary(f => f.Id);
        var tiers = new Dictionary<long, int>();
        foreach (Feed f in feeds)
        {
            int tier = 0;
            for (Feed? up = f; up.PromotesFromId is { } from && byId.TryGetValue(from, out up) && tier <= feeds.Count; tier++)
            {
            }

            tiers[f.Id] = tier;
        }

        return tiers;
    }
}
