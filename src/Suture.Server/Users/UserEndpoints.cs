using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Feeds;
using Suture.Server.Problems;

namespace Suture.Server.Users;

/// <summary>
/// Users (admin role): list, create or change (idempotent PUT: the same role and password again
/// changes nothing), disable and enable (idempotent). The last enabled admin cannot be demoted or
/// disabled, so the server always has someone who can manage it.
/// </summary>
internal static partial class UserEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder users = api.MapGroup("/users").RequireAuthorization(Roles.AdminPolicy).WithTags("Users");
        users.MapGet("/", ListAsync);
        users.MapGet("/{name}", GetAsync);
        users.MapPut("/{name}", PutAsync);
        users.MapPost("/{name}/disable", (string name, DeploymentEndpoints.Ctx c) => SetDisabledAsync(name, true, c));
        users.MapPost("/{name}/enable", (string name, DeploymentEndpoints.Ctx c) => SetDisabledAsync(name, false, c));
    }

    /// <summary>User names: 1 to 64 lower-case letters, digits, '.', '_', '-', '@', starting with a letter or digit.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9._@-]{0,63}$")]
    public static partial Regex Name();

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static UserInfo Info(User u) => new(u.Name, RoleNames.Parse(u.Role), u.PasswordHash is not null, u.Created, u.Disabled);

    private static async Task<Ok<IReadOnlyList<UserInfo>>> ListAsync(ServerDb db, CancellationToken ct)
    {
        List<User> users = await db.Users.AsNoTracking().OrderBy(u => u.Name).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<UserInfo>>([.. users.Select(Info)]);
    }

    private static async Task<Results<Ok<UserInfo>, ProblemHttpResult>> GetAsync(string name, ServerDb db, CancellationToken ct)
    {
        User? user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Name == name, ct);
        return user is null ? NoSuchUser(name) : TypedResults.Ok(Info(user));
    }

    private static async Task<Results<Ok<UserInfo>, Created<UserInfo>, ProblemHttpResult>> PutAsync(
        string name, UserRequest request, ServerDb db, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (!Name().IsMatch(name))
        {
            return Problem.Invalid($"user name '{name}': use 1 to 64 lower-case letters, digits, '.', '_', '-' or '@', starting with a letter or digit");
        }

        if (!Enum.IsDefined(request.Role))
        {
            return Problem.Invalid($"role: '{request.Role}' is not admin, operator or read-only");
        }

        if (request.Password is not null && Passwords.Problem(request.Password) is { } weak)
        {
            return Problem.Invalid(weak);
        }

        string role = RoleNames.Of(request.Role);
        (User? user, bool created, string? conflict) = await WriteTransaction.RunAsync(db, async () =>
        {
            User? u = await db.Users.FirstOrDefaultAsync(u => u.Name == name, ct);
            bool newPassword = request.Password is not null && !Passwords.Verify(u?.PasswordHash, request.Password);
            if (u is not null && u.Role == role && !newPassword)
            {
                return (u, false, (string?)null);
            }

            if (u is not null && u.Role == Roles.Admin && role != Roles.Admin && await IsLastAdminAsync(db, u, ct))
            {
                return (u, false, $"user {name} is the last enabled admin; make another user admin first");
            }

            var changes = new Dictionary<string, string?>();
            bool isNew = u is null;
            if (u is null)
            {
                u = db.Users.Add(new User { Name = name, Role = role, SessionStamp = NewStamp(), Created = time.GetUtcNow() }).Entity;
                changes["role"] = role;
            }
            else if (u.Role != role)
            {
                changes["role"] = $"{u.Role} -> {role}";
                u.Role = role;
                u.SessionStamp = NewStamp();
            }

            if (newPassword)
            {
                u.PasswordHash = Passwords.Hash(request.Password!);
                u.SessionStamp = NewStamp();
                changes["password"] = "set";
            }

            await audit.AppendAsync(db, http.User.Actor(), isNew ? "user.create" : "user.change", $"user:{name}", changes, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return (u, isNew, null);
        }, ct);
        if (conflict is not null)
        {
            return Problem.Conflict(conflict);
        }

        return created ? TypedResults.Created($"/api/v1/users/{name}", Info(user!)) : TypedResults.Ok(Info(user!));
    }

    private static async Task<Results<Ok<UserInfo>, ProblemHttpResult>> SetDisabledAsync(string name, bool disable, DeploymentEndpoints.Ctx c)
    {
        CancellationToken ct = c.Http.RequestAborted;
        (User? user, string? conflict) = await WriteTransaction.RunAsync(c.Db, async () =>
        {
            User? u = await c.Db.Users.FirstOrDefaultAsync(u => u.Name == name, ct);
            if (u is null || (u.Disabled is not null) == disable)
            {
                return (u, (string?)null);
            }

            if (disable && u.Role == Roles.Admin && await IsLastAdminAsync(c.Db, u, ct))
            {
                return (u, $"user {name} is the last enabled admin; make another user admin first");
            }

            u.Disabled = disable ? c.Time.GetUtcNow() : null;
            u.SessionStamp = NewStamp();
            await c.Audit.AppendAsync(c.Db, c.Http.User.Actor(), disable ? "user.disable" : "user.enable", $"user:{name}", null, c.Http.Remote(), ct);
            await c.Db.SaveChangesAsync(ct);
            return (u, null);
        }, ct);
        return conflict is not null ? Problem.Conflict(conflict) : user is null ? NoSuchUser(name) : TypedResults.Ok(Info(user));
    }

    private static Task<bool> IsLastAdminAsync(ServerDb db, User user, CancellationToken ct) =>
        db.Users.AllAsync(u => u.Id == user.Id || u.Role != Roles.Admin || u.Disabled != null, ct);

    private static ProblemHttpResult NoSuchUser(string name) => Problem.NotFound($"user {name}: no such user");
}
