using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
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
/// Web sign-in: <c>POST /api/v1/session</c> checks a user's password and sets the session cookie
/// (rate-limited per address); <c>DELETE</c> signs out; <c>GET</c> tells who the request speaks for
/// (cookie or token); <c>PUT /session/password</c> changes one's own password.
/// </summary>
internal static class SessionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder session = api.MapGroup("/session").WithTags("Session");
        session.MapPost("/", SignInAsync).AllowAnonymous().RequireRateLimiting(AuthSetup.SignInLimit);
        session.MapDelete("/", (Func<HttpContext, Task<NoContent>>)SignOutAsync).AllowAnonymous();
        session.MapGet("/", WhoAsync).RequireAuthorization(Roles.ReadPolicy);
        session.MapPut("/password", ChangePasswordAsync).RequireAuthorization(Roles.ReadPolicy);
    }

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> SignInAsync(
        SignInRequest request, ServerDb db, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (request.Name is null || request.Password is null || request.Name.Length > 64 || request.Password.Length > Passwords.MaxLength || !Validation.IsPrintable(request.Name))
        {
            return Problem.Invalid("give name (at most 64 printable characters) and password");
        }

        User? user = await CheckPasswordAsync(request.Name, request.Password, db, audit, http, ct);
        if (user is null)
        {
            return Problem.Of(401, ProblemTypes.SignInFailed, "Sign-in failed", "unknown name, wrong password, or the user is disabled or has no password (an admin sets one: PUT /api/v1/users/{name})");
        }

        await StartSessionAsync(http, user);
        return TypedResults.Ok(new SessionInfo(user.Name, RoleNames.Parse(user.Role), "session", null));
    }

    /// <summary>
    /// Checks a name and password and audits the attempt (<c>user.sign-in</c> or
    /// <c>user.sign-in.failed</c>); the user when it succeeded. The web UI's sign-in form uses it too.
    /// </summary>
    internal static async Task<User?> CheckPasswordAsync(string name, string password, ServerDb db, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        User? user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Name == name, ct);
        bool ok = Passwords.Verify(user?.PasswordHash, password) && user!.Disabled is null;
        await WriteTransaction.RunAsync(db, async () =>
        {
            await audit.AppendAsync(db, ok ? $"user:{user!.Name}" : "anonymous", ok ? "user.sign-in" : "user.sign-in.failed", $"user:{name}", null, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
        return ok ? user : null;
    }

    /// <summary>Sets the session cookie for <paramref name="user"/> (ends with the browser; 8 hours, renewed while used).</summary>
    internal static Task StartSessionAsync(HttpContext http, User user) =>
        http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            Principals.User(user.Id, user.Name, user.Role, $"user:{user.Name}", CookieAuthenticationDefaults.AuthenticationScheme, stamp: user.SessionStamp));

    /// <summary>Ends the cookie session (idempotent: signing out twice, or without a session, is fine).</summary>
    private static async Task<NoContent> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<SessionInfo>> WhoAsync(ServerDb db, HttpContext http, CancellationToken ct)
    {
        DateTimeOffset? expires = http.User.TokenId() is { } tokenId
            ? await db.ApiTokens.AsNoTracking().Where(t => t.Id == tokenId).Select(t => t.Expires).FirstOrDefaultAsync(ct)
            : null;
        return TypedResults.Ok(new SessionInfo(http.User.Subject(), RoleNames.Parse(http.User.UserRole()!), http.User.TokenId() is null ? "session" : "token", expires));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        PasswordChangeRequest request, ServerDb db, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (Passwords.Problem(request.NewPassword) is { } invalid)
        {
            return Problem.Invalid(invalid.Replace("password:", "newPassword:", StringComparison.Ordinal));
        }

        long id = http.User.UserId()!.Value;
        string? refused = await WriteTransaction.RunAsync(db, async () =>
        {
            User user = await db.Users.SingleAsync(u => u.Id == id, ct);
            if (user.PasswordHash is not null && (request.CurrentPassword is null || !Passwords.Verify(user.PasswordHash, request.CurrentPassword)))
            {
                return "currentPassword: not the user's password";
            }

            if (Passwords.Verify(user.PasswordHash, request.NewPassword))
            {
                return null; // already this password: nothing changes
            }

            user.PasswordHash = Passwords.Hash(request.NewPassword);
            user.SessionStamp = UserEndpoints.NewStamp();
            await audit.AppendAsync(db, http.User.Actor(), "user.password", $"user:{user.Name}", null, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return null;
        }, ct);
        return refused is null ? TypedResults.NoContent() : Problem.Of(403, ProblemTypes.Forbidden, "Forbidden", refused);
    }
}
