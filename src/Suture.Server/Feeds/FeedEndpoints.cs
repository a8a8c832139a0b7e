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

        long delay = (long)Math.Round(request.DelayHours * 3600);
        (Feed feed, bool created) = await WriteTransaction.RunAsync(db, async () =>
        {
            Feed? existing = await db.Feeds.FirstOrDefaultAsync(f => f.Name == name, ct);
            if (existing is not null && existing.ApprovalMode == request.ApprovalMode && existing.DelaySeconds == delay)
            {
                return (existing, false);
            }

            Feed f = existing ?? db.Feeds.Add(new Feed { Name = name, Created = time.GetUtcNow() }).Entity;
            f.ApprovalMode = request.ApprovalMode;
            f.DelaySeconds = delay;
            await audit.AppendAsync(db, http.User.Actor(), existing is null ? "feed.create" : "feed.change", name, new()
            {
                ["approvalMode"] = request.ApprovalMode.ToString().ToLowerInvariant(),
                ["delaySeconds"] = delay.ToString(CultureInfo.InvariantCulture),
            }, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return (f, existing is null);
        }, ct);
        FeedInfo info = await InfoAsync(db, feed, ct);
        return created ? TypedResults.Created($"/api/v1/feeds/{name}", info) : TypedResults.Ok(info);
    }

    private static async Task<Ok<IReadOnlyList<FeedInfo>>> ListAsync(ServerDb db, CancellationToken ct)
    {
        var feeds = await db.Feeds.AsNoTracking().OrderBy(f => f.Name).ToListAsync(ct);
        var counts = await db.Hosts.GroupBy(h => h.FeedId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return TypedResults.Ok<IReadOnlyList<FeedInfo>>([.. feeds.Select(f => ToInfo(f, counts.GetValueOrDefault(f.Id)))]);
    }

    private static async Task<Results<Ok<FeedInfo>, ProblemHttpResult>> GetAsync(string name, ServerDb db, CancellationToken ct)
    {
        Feed? feed = await db.Feeds.AsNoTracking().FirstOrDefaultAsync(f => f.Name == name, ct);
        return feed is null ? Problem.NotFound($"feed '{name}': no such feed") : TypedResults.Ok(await InfoAsync(db, feed, ct));
    }

    private static async Task<FeedInfo> InfoAsync(ServerDb db, Feed feed, CancellationToken ct) =>
        ToInfo(feed, await db.Hosts.CountAsync(h => h.FeedId == feed.Id, ct));

    private static FeedInfo ToInfo(Feed f, int hosts) => new(f.Name, f.ApprovalMode, f.DelaySeconds / 3600.0, hosts, f.Created);
}
