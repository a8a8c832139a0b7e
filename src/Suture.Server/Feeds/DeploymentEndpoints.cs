using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Problems;

namespace Suture.Server.Feeds;

/// <summary>
/// What a feed deploys, per patch: enable, enable-up-to, disable, undeploy-down-to, and undeploy of
/// an object to its original code. Each is idempotent (doing it twice changes nothing more) and
/// answers the states of every level of the object in the feed. docs/protocol.md#deployment.
/// </summary>
internal static class DeploymentEndpoints
{
    internal enum Operation
    {
        Enable,
        EnableUpTo,
        Disable,
        UndeployDownTo,
    }

    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder feed = api.MapGroup("/feeds/{name}").RequireAuthorization(Roles.ReadPolicy).WithTags("Deployment");
        feed.MapGet("/patches", ListAsync);
        feed.MapPost("/patches/{sha256}/enable", (string name, string sha256, Ctx c) => ChangeAsync(name, sha256, Operation.Enable, c)).RequireAuthorization(Roles.OperatePolicy);
        feed.MapPost("/patches/{sha256}/enable-up-to", (string name, string sha256, Ctx c) => ChangeAsync(name, sha256, Operation.EnableUpTo, c)).RequireAuthorization(Roles.OperatePolicy);
        feed.MapPost("/patches/{sha256}/disable", (string name, string sha256, Ctx c) => ChangeAsync(name, sha256, Operation.Disable, c)).RequireAuthorization(Roles.OperatePolicy);
        feed.MapPost("/patches/{sha256}/undeploy-down-to", (string name, string sha256, Ctx c) => ChangeAsync(name, sha256, Operation.UndeployDownTo, c)).RequireAuthorization(Roles.OperatePolicy);
        feed.MapPost("/objects/{buildId}/undeploy", UndeployObjectAsync).RequireAuthorization(Roles.OperatePolicy);
    }

    /// <summary>The services every change needs, bound from the request's services.</summary>
    internal sealed record Ctx(ServerDb Db, AuditLog Audit, TimeProvider Time, HttpContext Http)
    {
        public static ValueTask<Ctx?> BindAsync(HttpContext http) => ValueTask.FromResult<Ctx?>(new Ctx(
            http.RequestServices.GetRequiredService<ServerDb>(),
            http.RequestServices.GetRequiredService<AuditLog>(),
            http.RequestServices.GetRequiredService<TimeProvider>(),
            http));
    }

    private static async Task<Results<Ok<IReadOnlyList<FeedPatchInfo>>, ProblemHttpResult>> ListAsync(string name, ServerDb db, TimeProvider time, CancellationToken ct)
    {
        Feed? feed = await db.Feeds.AsNoTracking().FirstOrDefaultAsync(f => f.Name == name, ct);
        if (feed is null)
        {
            return Problem.NotFound($"feed '{name}': no such feed");
        }

        var rows = await db.FeedPatches.AsNoTracking().Include(fp => fp.Patch).Where(fp => fp.FeedId == feed.Id).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<FeedPatchInfo>>([.. rows.OrderBy(r => r.Patch.BuildId, StringComparer.Ordinal).ThenBy(r => r.Patch.Level).Select(r => Info(feed, r))]);
    }

    internal static async Task<Results<Ok<IReadOnlyList<FeedPatchInfo>>, ProblemHttpResult>> ChangeAsync(string name, string sha256, Operation operation, Ctx c)
    {
        CancellationToken ct = c.Http.RequestAborted;
        Feed? feed = await c.Db.Feeds.AsNoTracking().FirstOrDefaultAsync(f => f.Name == name, ct);
        if (feed is null)
        {
            return Problem.NotFound($"feed '{name}': no such feed");
        }

        Patch? patch = await c.Db.Patches.AsNoTracking().FirstOrDefaultAsync(p => p.Sha256 == sha256, ct);
        if (patch is null)
        {
            return Problem.NotFound($"patch {sha256}: no such patch (patches are named by the SHA-256 of their file)");
        }

        string action = operation switch
        {
            Operation.Enable => "enable",
            Operation.EnableUpTo => "enable-up-to",
            Operation.Disable => "disable",
            _ => "undeploy-down-to",
        };
        return await ApplyAsync(c, feed, patch.BuildId, action, patch.Sha256, (level, _) => operation switch
        {
            Operation.Enable => level == patch.Level ? FeedPatchState.Enabled : null,
            Operation.EnableUpTo => level <= patch.Level ? FeedPatchState.Enabled : null,
            Operation.Disable => level == patch.Level ? FeedPatchState.Disabled : null,
            _ => level > patch.Level ? FeedPatchState.Undeployed : null,
        });
    }

    internal static async Task<Results<Ok<IReadOnlyList<FeedPatchInfo>>, ProblemHttpResult>> UndeployObjectAsync(string name, string buildId, Ctx c)
    {
        CancellationToken ct = c.Http.RequestAborted;
        if (!Validation.BuildId().IsMatch(buildId))
        {
            return Problem.Invalid($"build id '{buildId}': give the object's GNU Build ID in lower-case hex");
        }

        Feed? feed = await c.Db.Feeds.AsNoTracking().FirstOrDefaultAsync(f => f.Name == name, ct);
        if (feed is null)
        {
            return Problem.NotFound($"feed '{name}': no such feed");
        }

        if (!await c.Db.Patches.AnyAsync(p => p.BuildId == buildId, ct))
        {
            return Problem.NotFound($"build id {buildId}: no patch for this object was uploaded");
        }

        return await ApplyAsync(c, feed, buildId, "undeploy", buildId, (_, _) => FeedPatchState.Undeployed);
    }

    /// <summary>Sets the state <paramref name="wanted"/> gives each level of the object (null: leave it), in one audited transaction.</summary>
    private static async Task<Results<Ok<IReadOnlyList<FeedPatchInfo>>, ProblemHttpResult>> ApplyAsync(
        Ctx c, Feed feed, string buildId, string action, string subject, Func<int, FeedPatchState?, FeedPatchState?> wanted)
    {
        CancellationToken ct = c.Http.RequestAborted;
        List<FeedPatch> result = await WriteTransaction.RunAsync(c.Db, async () =>
        {
            List<Patch> patches = await c.Db.Patches.Where(p => p.BuildId == buildId).OrderBy(p => p.Level).ToListAsync(ct);
            List<long> ids = [.. patches.Select(p => p.Id)];
            Dictionary<long, FeedPatch> rows = await c.Db.FeedPatches.Where(fp => fp.FeedId == feed.Id && ids.Contains(fp.PatchId)).ToDictionaryAsync(fp => fp.PatchId, ct);
            DateTimeOffset now = c.Time.GetUtcNow();
            var changes = new List<string>();
            var enabled = new List<(Patch, DateTimeOffset)>();
            foreach (Patch p in patches)
            {
                FeedPatch? row = rows.GetValueOrDefault(p.Id);
                if (wanted(p.Level, row?.State) is not { } state || row?.State == state)
                {
                    continue;
                }

                if (row is null)
                {
                    row = c.Db.FeedPatches.Add(new FeedPatch { FeedId = feed.Id, PatchId = p.Id, Patch = p }).Entity;
                    rows[p.Id] = row;
                }

                row.State = state;
                row.Changed = now;
                row.Approved = state == FeedPatchState.Enabled ? now : row.Approved;
                changes.Add($"{p.Level}:{state.ToString().ToLowerInvariant()}");
                if (state == FeedPatchState.Enabled)
                {
                    enabled.Add((p, now));
                }
            }

            if (changes.Count > 0)
            {
                await c.Audit.AppendAsync(c.Db, c.Http.User.Actor(), "feed." + action, $"{feed.Name}/{subject}", new()
                {
                    ["buildId"] = buildId,
                    ["levels"] = string.Join(' ', changes),
                }, c.Http.Remote(), ct);
                await Promotion.CascadeAsync(c.Db, new Promotion.Cause(c.Audit, c.Http.User.Actor(), c.Http.Remote()), feed, enabled, now, ct);
                await c.Db.SaveChangesAsync(ct);
            }

            foreach (FeedPatch row in rows.Values)
            {
                row.Patch = patches.First(p => p.Id == row.PatchId);
            }

            return rows.Values.OrderBy(r => r.Patch.Level).ToList();
        }, ct);
        return TypedResults.Ok<IReadOnlyList<FeedPatchInfo>>([.. result.Select(r => Info(feed, r))]);
    }

    internal static FeedPatchInfo Info(Feed feed, FeedPatch row) => new(
        feed.Name,
        row.Patch.Sha256,
        row.Patch.PatchId,
        row.Patch.BuildId,
        row.Patch.Level,
        row.State,
        row.Approved,
        row.State == FeedPatchState.Enabled && row.Approved is { } approved ? approved.AddSeconds(feed.DelaySeconds) : null);
}
