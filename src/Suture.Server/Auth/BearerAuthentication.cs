using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Suture.Server.Data;

namespace Suture.Server.Auth;

/// <summary>
/// <c>Authorization: Bearer TOKEN</c>: a host token (role host, subject = host id) or a user's
/// personal API token (the lower of the token's role and its user's role). Unknown, revoked,
/// expired or malformed tokens, and tokens of disabled users, authenticate nobody; the endpoint's
/// policy then answers 401 (ProblemDetails via the status-code pages).
/// </summary>
internal sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ServerDb db,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";


    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        string token = header["Bearer ".Length..].Trim();
        if (token.Length > Secrets.MaxLength)
        {
            return AuthenticateResult.Fail("the token is longer than any token this server issues");
        }

        string hash = Secrets.Hash(token);
        if (token.StartsWith(Secrets.HostPrefix, StringComparison.Ordinal))
        {
            // A check-in reads its plan's inputs in the same round trip (CheckInRead); other host
            // requests read the host and its feed only.
            HostAtCheckIn? host = Request.Path.Equals(CheckIn.CheckInEndpoints.Path, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(Request.Method)
                ? await CheckIn.CheckInRead.ReadAsync(db, hash, Context.RequestAborted)
                : await CheckIn.CheckInQueries.For(db).HostByToken(db, hash, Context.RequestAborted);
            if (host is null)
            {
                return AuthenticateResult.Fail("unknown host token");
            }

            Context.Features.Set(host);
            return Success(Principals.Host(host.Id, SchemeName));
        }

        if (token.StartsWith(Secrets.AdminPrefix, StringComparison.Ordinal))
        {
            DateTimeOffset now = time.GetUtcNow();
            var found = await db.ApiTokens.AsNoTracking()
                .Where(t => t.TokenHash == hash && t.Revoked == null && (t.Expires == null || t.Expires > now) && t.User.Disabled == null)
                .Select(t => new { t.Id, t.Role, t.Prefix, t.Name, t.UserId, UserName = t.User.Name, UserRole = t.User.Role })
                .FirstOrDefaultAsync(Context.RequestAborted);
            return found is null
                ? AuthenticateResult.Fail("unknown, revoked or expired token")
                : Success(Principals.User(found.UserId, found.UserName, Roles.Lower(found.Role, found.UserRole), $"user:{found.UserName}/token:{found.Name}({found.Prefix})", SchemeName, found.Id));
        }

        return AuthenticateResult.Fail("not a suture token");
    }

    private static AuthenticateResult Success(ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
}

/// <summary>
/// What authenticating a host token read of the host (a request feature): its id, the digest of
/// its stored inventory and its feed, as of the request's start; for a check-in also what its
/// directives are planned from (<see cref="CheckIn.CheckInRead"/>).
/// </summary>
internal sealed record HostAtCheckIn(string Id, string? InventoryDigest, Data.Entities.Feed Feed)
{
    public CheckIn.PlanInputs? Plan { get; init; }
}

/// <summary>The principals the server's schemes make, and what endpoints read from them.</summary>
internal static class Principals
{
    public const string StampClaim = "suture:stamp";

    public static ClaimsPrincipal Host(string hostId, string scheme) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, hostId), new Claim(ClaimTypes.Role, Roles.Host), new Claim(Roles.ActorClaim, $"host:{hostId}")],
        scheme));

    public static ClaimsPrincipal User(long userId, string name, string role, string actor, string scheme, long? tokenId = null, string? stamp = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, name),
            new(ClaimTypes.Name, name),
            new(ClaimTypes.Role, role),
            new(Roles.ActorClaim, actor),
            new(Roles.UserIdClaim, userId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (tokenId is { } t)
        {
            claims.Add(new Claim(Roles.TokenIdClaim, t.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (stamp is not null)
        {
            claims.Add(new Claim(StampClaim, stamp));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}

internal static class PrincipalExtensions
{
    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue(Roles.ActorClaim) ?? "anonymous";

    public static string Subject(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("an authenticated principal without a subject");

    /// <summary>The signed-in user's id, or null for a host or nobody.</summary>
    public static long? UserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(Roles.UserIdClaim), System.Globalization.CultureInfo.InvariantCulture, out long id) ? id : null;

    /// <summary>The user's effective role (for a token: the lower of its own and its user's).</summary>
    public static string? UserRole(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Role) is { } role && Roles.IsUserRole(role) ? role : null;

    public static long? TokenId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(Roles.TokenIdClaim), System.Globalization.CultureInfo.InvariantCulture, out long id) ? id : null;
}
