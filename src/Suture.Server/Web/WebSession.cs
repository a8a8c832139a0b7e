using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Suture.Server.Auth;
using Suture.Server.Data;

namespace Suture.Server.Web;

/// <summary>
/// A browser session: who signed in, as what role, on the strength of which credential. The cookie
/// holds the credential's id, never a secret, and each request checks that the credential still
/// stands (a revoked token ends its sessions at the next click).
/// </summary>
internal static class WebSession
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public const string OperatorRole = "operator";

    /// <summary>What the session rests on: <c>token:ID</c>.</summary>
    public const string CredentialClaim = "suture:credential";

    /// <summary>An admin API token pasted into the sign-in form: the session acts as that token.</summary>
    public static async Task<ClaimsPrincipal?> FromTokenAsync(ServerDb db, string token, CancellationToken ct)
    {
        token = token.Trim();
        if (token.Length is 0 or > Secrets.MaxLength || !token.StartsWith(Secrets.AdminPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        string hash = Secrets.Hash(token);
        var t = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.Revoked == null)
            .Select(t => new { t.Id, t.Name, t.Prefix, t.Role })
            .FirstOrDefaultAsync(ct);
        return t is null ? null : Principal($"token:{t.Id}", t.Name, t.Role, $"token:{t.Name}({t.Prefix})");
    }

    public static ClaimsPrincipal Principal(string credential, string name, string role, string actor) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, credential),
                new Claim(ClaimTypes.Name, name),
                new Claim(ClaimTypes.Role, role),
                new Claim(Roles.ActorClaim, actor),
                new Claim(CredentialClaim, credential),
            ],
            WebUi.CookieScheme,
            ClaimTypes.Name,
            ClaimTypes.Role));

    public static Task SignInAsync(HttpContext http, ClaimsPrincipal principal) =>
        http.SignInAsync(WebUi.CookieScheme, principal, new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });

    /// <summary>Each request: the session's credential must still exist and not be revoked.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (!await StandsAsync(context.HttpContext, context.Principal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(WebUi.CookieScheme);
        }
    }

    private static async Task<bool> StandsAsync(HttpContext http, ClaimsPrincipal? principal)
    {
        string? credential = principal?.FindFirstValue(CredentialClaim);
        ServerDb db = http.RequestServices.GetRequiredService<ServerDb>();
        if (credential is not null && credential.StartsWith("token:", StringComparison.Ordinal)
            && long.TryParse(credential.AsSpan("token:".Length), System.Globalization.CultureInfo.InvariantCulture, out long id))
        {
            return await db.ApiTokens.AnyAsync(t => t.Id == id && t.Revoked == null, http.RequestAborted);
        }

        return false;
    }
}
