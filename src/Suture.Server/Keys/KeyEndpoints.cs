using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Problems;

namespace Suture.Server.Keys;

/// <summary>Registration keys: create (the key is shown once), list, revoke (idempotent).</summary>
internal static class KeyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder keys = api.MapGroup("/keys").RequireAuthorization(Roles.ReadPolicy).WithTags("Keys");
        keys.MapPost("/", CreateAsync).RequireAuthorization(Roles.OperatePolicy);
        keys.MapGet("/", ListAsync);
        keys.MapPost("/{id:long}/revoke", RevokeAsync).RequireAuthorization(Roles.OperatePolicy);
    }

    private static async Task<Results<Created<KeyCreated>, ProblemHttpResult>> CreateAsync(
        KeyRequest request, ServerDb db, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (request.Description is null || request.Description.Length > 256 || !Validation.IsPrintable(request.Description))
        {
            return Problem.Invalid("description: give at most 256 printable characters");
        }

        if (request.HostLimit is < 0)
        {
            return Problem.Invalid($"hostLimit: {request.HostLimit} is negative; give 0 or more, or null for no limit");
        }

        Feed? feed = await db.Feeds.AsNoTracking().FirstOrDefaultAsync(f => f.Name == request.Feed, ct);
        if (feed is null)
        {
            return Problem.NotFound($"feed '{request.Feed}': no such feed; create it first (PUT /api/v1/feeds/{{name}})");
        }

        string secret = Secrets.New(Secrets.KeyPrefix);
        RegistrationKey key = await WriteTransaction.RunAsync(db, async () =>
        {
            var k = db.RegistrationKeys.Add(new RegistrationKey
            {
                KeyHash = Secrets.Hash(secret),
                Prefix = Secrets.Visible(secret),
                FeedId = feed.Id,
                Description = request.Description,
                HostLimit = request.HostLimit,
                Created = time.GetUtcNow(),
            }).Entity;
            await db.SaveChangesAsync(ct);
            await audit.AppendAsync(db, http.User.Actor(), "key.create", $"key:{k.Id}", new()
            {
                ["feed"] = feed.Name,
                ["prefix"] = k.Prefix,
                ["description"] = k.Description,
                ["hostLimit"] = k.HostLimit?.ToString(CultureInfo.InvariantCulture),
            }, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return k;
        }, ct);
        return TypedResults.Created($"/api/v1/keys/{key.Id}", new KeyCreated(key.Id, secret, Info(key, feed.Name)));
    }

    private static async Task<Ok<IReadOnlyList<KeyInfo>>> ListAsync(ServerDb db, CancellationToken ct)
    {
        var keys = await db.RegistrationKeys.AsNoTracking().Include(k => k.Feed).OrderBy(k => k.Id).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<KeyInfo>>([.. keys.Select(k => Info(k, k.Feed.Name))]);
    }

    private static async Task<Results<Ok<KeyInfo>, ProblemHttpResult>> RevokeAsync(
        long id, ServerDb db, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        RegistrationKey? key = await WriteTransaction.RunAsync(db, async () =>
        {
            RegistrationKey? k = await db.RegistrationKeys.Include(k => k.Feed).FirstOrDefaultAsync(k => k.Id == id, ct);
            if (k is null || k.Revoked is not null)
            {
                return k;
            }

            k.Revoked = time.GetUtcNow();
            await audit.AppendAsync(db, http.User.Actor(), "key.revoke", $"key:{k.Id}", new() { ["prefix"] = k.Prefix }, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return k;
        }, ct);
        return key is null ? Problem.NotFound($"key {id}: no such registration key") : TypedResults.Ok(Info(key, key.Feed.Name));
    }

    private static KeyInfo Info(RegistrationKey k, string feed) =>
        new(k.Id, k.Prefix, feed, k.Description, k.HostLimit, k.HostCount, k.Created, k.Revoked);
}
