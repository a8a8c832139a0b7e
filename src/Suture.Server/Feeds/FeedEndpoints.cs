using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Problems;

namespace Suture.Server.Feeds;

/// <summary>Feeds: create or change (idempotent PUT), list, show.</summary>
internal static class FeedEndpoints
{
    public const double MaxDelayHours = 24 * 365;

    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder feeds = api.MapGroup("/feeds").RequireAuthorization(Roles.ReadPolicy).WithTags("Feeds");
        feeds.MapPut("/{name}", PutAsync).RequireAuthorization(Roles.OperatePolicy);
        feeds.MapGet("/", ListAsync);
        feeds.MapGet("/{name}", GetAsync);
        feeds.MapPost("/{name}/promote", (string name, string? buildId, DeploymentEndpoints.Ctx c) => PromoteAsync(name, buildId, c)).RequireAuthorization(Roles.OperatePolicy);
    }

    internal static async Task<Results<Ok<FeedInfo>, Created<FeedInfo>, ProblemHttpResult>> PutAsync(
        string name, FeedRequest request, ServerDb db, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (!Validation.FeedName().IsMatch(name))
        {
            return Problem.Invalid($"feed name '{name}': use 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (!Enum.IsDefined(request.ApprovalMode))
        {
            return Problem.Invalid($"approvalMode: '{request.ApprovalMode}' is not automatic or manual");
        }

        if (!double.IsFinite(request.DelayHours) || request.DelayHours < 0 || request.DelayHours > MaxDelayHours)
        {
            return Problem.Invalid($"delayHours: {request.DelayHours} is not from 0 to {MaxDelayHours}");
        }

        if (request.PromotesFrom is { } from && (from == name || !Validation.FeedName().IsMatch(from)))
        {
            return Problem.Invalid($"promotesFrom: '{from}' is not another feed's name (a feed is promoted from an earlier tier, not from itself)");
        }

        long delay = (long)Math.Round(request.DelayHours * 3600);
        (Feed? feed, bool created, string? refused) = await WriteTransaction.RunAsync(db, async Task<(Feed?, bool, string?)> () =>
        {
            Feed? existing = await db.Feeds.FirstOrDefaultAsync(f => f.Name == name, ct);
            long? fromId = null;
            if (request.PromotesFrom is { } fromName)
            {
                List<Feed> all = await db.Feeds.AsNoTracking().ToListAsync(ct);
                if (all.FirstOrDefault(f => f.Name == fromName) is not { } source)
                {
                    return (null, false, $"promotesFrom: no feed '{fromName}'; create the earlier tier first");
                }

                fromId = source.Id;
                Dictionary<long, Feed> byId = all.ToDictionary(f => f.Id);
                int steps = 0;
                for (Feed? up = source; up is not null && steps <= all.Count; up = up.PromotesFromId is { } next ? byId.GetValueOrDefault(next) : null, steps++)
                {
                    if (existing is not null && up.Id == existing.Id)
                    {
                        return (null, false, $"promotesFrom: '{fromName}' is promoted from '{name}' already (directly or through other feeds); tiers cannot form a loop");
                    }
                }
            }

            if (existing is not null && existing.ApprovalMode == request.ApprovalMode && existing.DelaySeconds == delay && existing.PromotesFromId == fromId)
            {
                return (existing, false, null);
            }

            Feed f = existing ?? db.Feeds.Add(new Feed { Name = name, Created = time.GetUtcNow() }).Entity;
            f.ApprovalMode = request.ApprovalMode;
            f.DelaySeconds = delay;
            f.PromotesFromId = fromId;
            await audit.AppendAsync(db, http.User.Actor(), existing is null ? "feed.create" : "feed.change", name, new()
            {
                ["approvalMode"] = request.ApprovalMode.ToString().ToLowerInvariant(),
                ["delaySeconds"] = delay.ToString(CultureInfo.InvariantCulture),
                ["promotesFrom"] = request.PromotesFrom,
            }, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return (f, existing is null, null);
        }, ct);
        if (feed is null)
        {
            return Problem.Invalid(refused!);
        }

        FeedInfo info = await InfoAsync(db, feed, ct);
        return created ? TypedResults.Created($"/api/v1/feeds/{name}", info) : TypedResults.Ok(info);
    }

    /// <summary>
    /// Promotes into the feed what its earlier tier has deployed (of one object with
    /// <paramref name="buildId"/>); idempotent. 409 for a feed promoted from no other.
    /// </summary>
    internal static async Task<Results<Ok<IReadOnlyList<FeedPatchInfo>>, ProblemHttpResult>> PromoteAsync(string name, string? buildId, DeploymentEndpoints.Ctx c)
    {
        CancellationToken ct = c.Http.RequestAborted;
        if (buildId is not null && !Validation.BuildId().IsMatch(buildId))
        {
            return Problem.Invalid($"buildId: '{buildId}' is not a GNU Build ID in lower-case hex");
        }

        Feed? target = await c.Db.Feeds.AsNoTracking().FirstOrDefaultAsync(f => f.Name == name, ct);
        if (target is null)
        {
            return Problem.NotFound($"feed '{name}': no such feed");
        }

        Feed? source = target.PromotesFromId is { } from ? await c.Db.Feeds.AsNoTracking().FirstOrDefaultAsync(f => f.Id == from, ct) : null;
        if (source is null)
        {
            return Problem.Conflict($"feed '{name}': it is promoted from no earlier tier; set one with PUT /api/v1/feeds/{name} {{\"promotesFrom\": \"FEED\"}}, or approve patches in it directly");
        }

        var cause = new Promotion.Cause(c.Audit, c.Http.User.Actor(), c.Http.Remote());
        List<FeedPatch> rows = await WriteTransaction.RunAsync(c.Db, () => Promotion.PromoteAsync(c.Db, cause, target, source, buildId, c.Time.GetUtcNow(), ct), ct);
        return TypedResults.Ok<IReadOnlyList<FeedPatchInfo>>([.. rows.Select(r => DeploymentEndpoints.Info(target, r))]);
    }

    /// <summary>Every feed, in tier order (first tiers first), then by name.</summary>
    private static async Task<Ok<IReadOnlyList<FeedInfo>>> ListAsync(ServerDb db, CancellationToken ct)
    {
        List<Feed> feeds = await db.Feeds.AsNoTracking().ToListAsync(ct);
        var counts = await db.Hosts.GroupBy(h => h.FeedId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Dictionary<long, int> tiers = Promotion.Tiers(feeds);
        Dictionary<long, string> names = feeds.ToDictionary(f => f.Id, f => f.Name);
        return TypedResults.Ok<IReadOnlyList<FeedInfo>>([.. feeds.OrderBy(f => tiers[f.Id]).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => ToInfo(f, counts.GetValueOrDefault(f.Id), f.PromotesFromId is { } from ? names[from] : null, tiers[f.Id]))]);
    }

    private static async Task<Results<Ok<FeedInfo>, ProblemHttpResult>> GetAsync(string name, ServerDb db, CancellationToken ct)
    {
        Feed? feed = await db.Feeds.AsNoTracking().FirstOrDefaultAsync(f => f.Name == name, ct);
        return feed is null ? Problem.NotFound($"feed '{name}': no such feed") : TypedResults.Ok(await InfoAsync(db, feed, ct));
    }

    private static async Task<FeedInfo> InfoAsync(ServerDb db, Feed feed, CancellationToken ct)
    {
        List<Feed> feeds = await db.Feeds.AsNoTracking().ToListAsync(ct);
        string? from = feeds.FirstOrDefault(f => f.Id == feed.PromotesFromId)?.Name;
        return ToInfo(feed, await db.Hosts.CountAsync(h => h.FeedId == feed.Id, ct), from, Promotion.Tiers(feeds).GetValueOrDefault(feed.Id));
    }

    private static FeedInfo ToInfo(Feed f, int hosts, string? promotesFrom, int tier) => new(f.Name, f.ApprovalMode, f.DelaySeconds / 3600.0, hosts, f.Created, promotesFrom, tier);
}
