using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Problems;

namespace Suture.Server.Users;

/// <summary>
/// Personal API tokens: every user creates (shown once; stored as its SHA-256), lists and revokes
/// (idempotent) their own; an admin also lists (<c>?user=</c>, <c>?all=true</c>) and revokes anyone's.
/// A token expires (1 to 366 days) and never does more than its user's current role.
/// </summary>
internal static class TokenEndpoints
{
    public const int MaxDays = 366;

    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder tokens = api.MapGroup("/tokens").RequireAuthorization(Roles.ReadPolicy).WithTags("Tokens");
        tokens.MapPost("/", CreateAsync);
        tokens.MapGet("/", ListAsync);
        tokens.MapPost("/{id:long}/revoke", RevokeAsync);
        api.MapPost("/users/{name}/tokens", CreateForUserAsync).RequireAuthorization(Roles.AdminPolicy).WithTags("Tokens");
    }

    /// <summary>An admin makes a token for another user, e.g. a robot user without a password (at most that user's role).</summary>
    private static async Task<Results<Created<TokenCreated>, ProblemHttpResult>> CreateForUserAsync(
        string name, TokenRequest request, ServerDb db, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Name == name).Select(u => new { u.Id, u.Role }).FirstOrDefaultAsync(ct);
        return user is null
            ? Problem.NotFound($"user {name}: no such user")
            : await CreateForAsync(user.Id, user.Role, request, db, audit, time, http, ct);
    }

    private static Task<Results<Created<TokenCreated>, ProblemHttpResult>> CreateAsync(
        TokenRequest request, ServerDb db, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct) =>
        CreateForAsync(http.User.UserId()!.Value, http.User.UserRole()!, request, db, audit, time, http, ct);

    private static async Task<Results<Created<TokenCreated>, ProblemHttpResult>> CreateForAsync(
        long userId, string mine, TokenRequest request, ServerDb db, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (request.Name is null || request.Name.Length is 0 or > 128 || !Validation.IsPrintable(request.Name))
        {
            return Problem.Invalid("name: give 1 to 128 printable characters (what the token is for, e.g. ci-deploy)");
        }

        if (request.ExpiresInDays is < 1 or > MaxDays)
        {
            return Problem.Invalid($"expiresInDays: {request.ExpiresInDays} is not from 1 to {MaxDays}");
        }

        if (request.Role is { } r && !Enum.IsDefined(r))
        {
            return Problem.Invalid($"role: '{r}' is not admin, operator or read-only");
        }

        string role = request.Role is { } wanted ? RoleNames.Of(wanted) : mine;
        if (Roles.Rank(role) > Roles.Rank(mine))
        {
            return Problem.Of(403, ProblemTypes.Forbidden, "Forbidden", $"role: {role} is more than the user's role {mine}; a token can do at most what its user can");
        }

        string secret = Secrets.New(Secrets.AdminPrefix);
        DateTimeOffset now = time.GetUtcNow();
        ApiToken token = await WriteTransaction.RunAsync(db, async () =>
        {
            ApiToken t = db.ApiTokens.Add(new ApiToken
            {
                TokenHash = Secrets.Hash(secret),
                Prefix = Secrets.Visible(secret),
                Name = request.Name,
                Role = role,
                UserId = userId,
                Created = now,
                Expires = now.AddDays(request.ExpiresInDays),
            }).Entity;
            await db.SaveChangesAsync(ct);
            await audit.AppendAsync(db, http.User.Actor(), "token.create", $"token:{t.Id}", new()
            {
                ["name"] = t.Name,
                ["prefix"] = t.Prefix,
                ["role"] = role,
                ["expires"] = t.Expires?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            }, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return t;
        }, ct);
        token.User = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        return TypedResults.Created($"/api/v1/tokens/{token.Id}", new TokenCreated(token.Id, secret, Info(token)));
    }

    private static async Task<Results<Ok<IReadOnlyList<TokenInfo>>, ProblemHttpResult>> ListAsync(ServerDb db, HttpContext http, string? user, bool? all, CancellationToken ct)
    {
        bool admin = http.User.UserRole() == Roles.Admin;
        if ((user is not null || all == true) && !admin && user != http.User.Subject())
        {
            return Problem.Of(403, ProblemTypes.Forbidden, "Forbidden", "only an admin lists other users' tokens");
        }

        IQueryable<ApiToken> query = db.ApiTokens.AsNoTracking().Include(t => t.User);
        long self = http.User.UserId()!.Value;
        query = all == true ? query : user is not null ? query.Where(t => t.User.Name == user) : query.Where(t => t.UserId == self);
        List<ApiToken> tokens = await query.OrderBy(t => t.Id).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<TokenInfo>>([.. tokens.Select(Info)]);
    }

    private static async Task<Results<Ok<TokenInfo>, ProblemHttpResult>> RevokeAsync(
        long id, ServerDb db, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        bool admin = http.User.UserRole() == Roles.Admin;
        long self = http.User.UserId()!.Value;
        ApiToken? token = await WriteTransaction.RunAsync(db, async () =>
        {
            ApiToken? t = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id && (admin || t.UserId == self), ct);
            if (t is null || t.Revoked is not null)
            {
                return t;
            }

            t.Revoked = time.GetUtcNow();
            await audit.AppendAsync(db, http.User.Actor(), "token.revoke", $"token:{t.Id}", new() { ["name"] = t.Name, ["prefix"] = t.Prefix, ["user"] = t.User.Name }, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return t;
        }, ct);
        return token is null ? Problem.NotFound($"token {id}: no such token of yours") : TypedResults.Ok(Info(token));
    }

    private static TokenInfo Info(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.User.Name, RoleNames.Parse(t.Role), t.Created, t.Expires, t.Revoked);
}
