using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Suture.Server.Data;

namespace Suture.Server.Auth;

/// <summary>
/// <c>Authorization: Bearer TOKEN</c>: a host token (role host, claim = host id) or an admin token
/// (role admin). Unknown, revoked or malformed tokens authenticate nobody; the endpoint's policy
/// then answers 401 (ProblemDetails via the status-code pages).
/// </summary>
internal sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ServerDb db)
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
            string? hostId = await db.Hosts.AsNoTracking().Where(h => h.TokenHash == hash).Select(h => h.Id).FirstOrDefaultAsync(Context.RequestAborted);
            return hostId is null ? AuthenticateResult.Fail("unknown host token") : Success(Roles.Host, hostId, $"host:{hostId}");
        }

        if (token.StartsWith(Secrets.AdminPrefix, StringComparison.Ordinal))
        {
            var admin = await db.ApiTokens.AsNoTracking()
                .Where(t => t.TokenHash == hash && t.Revoked == null)
                .Select(t => new { t.Role, t.Prefix, t.Name })
                .FirstOrDefaultAsync(Context.RequestAborted);
            return admin is null ? AuthenticateResult.Fail("unknown or revoked token") : Success(admin.Role, admin.Prefix, $"token:{admin.Name}({admin.Prefix})");
        }

        return AuthenticateResult.Fail("not a suture token");
    }

    private static AuthenticateResult Success(string role, string subject, string actor)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, subject), new Claim(ClaimTypes.Role, role), new Claim(Roles.ActorClaim, actor)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

internal static class PrincipalExtensions
{
    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue(Roles.ActorClaim) ?? "anonymous";

    public static string Subject(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("an authenticated principal without a subject");
}
