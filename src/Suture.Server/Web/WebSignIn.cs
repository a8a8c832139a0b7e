using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Users;

namespace Suture.Server.Web;

/// <summary>
/// The sign-in form's target, <c>POST /sign-in/password</c>: its own endpoint so that the sign-in
/// rate limit counts attempts, not page views. Antiforgery-checked; the password is checked,
/// audited and the session started by the same code as <c>POST /api/v1/session</c>.
/// </summary>
internal static class WebSignIn
{
    public const string Path = "/sign-in/password";

    public static void Map(WebApplication app)
    {
        app.MapPost(Path, PostAsync).AllowAnonymous().RequireRateLimiting(AuthSetup.SignInLimit).ExcludeFromDescription();
        app.MapPost("/sign-out", SignOutAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> PostAsync(HttpContext http, IAntiforgery antiforgery, ServerDb db, AuditLog audit)
    {
        if (await RefusedFormAsync(http, antiforgery) is { } refused)
        {
            return refused;
        }

        IFormCollection form = await http.Request.ReadFormAsync(http.RequestAborted);
        string name = form["name"].ToString();
        string password = form["password"].ToString();
        string? next = form["ReturnUrl"].ToString() is { Length: > 0 } n && IsLocal(n) ? n : null;
        Data.Entities.User? user = name.Length is 0 or > 64 || password.Length is 0 or > Passwords.MaxLength || !Validation.IsPrintable(name)
            ? null
            : await SessionEndpoints.CheckPasswordAsync(name, password, db, audit, http, http.RequestAborted);
        if (user is null)
        {
            return TypedResults.Redirect("/sign-in?failed=true" + (next is null ? "" : "&ReturnUrl=" + Uri.EscapeDataString(next)));
        }

        await SessionEndpoints.StartSessionAsync(http, user);
        return TypedResults.Redirect(next ?? "/");
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (await RefusedFormAsync(http, antiforgery) is { } refused)
        {
            return refused;
        }

        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.Redirect("/sign-in");
    }

    /// <summary>A form without this server's antiforgery token (a cross-site post, or a page from before a restart) is 400.</summary>
    private static async Task<IResult?> RefusedFormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return Problems.Problem.Of(400, Suture.Protocol.ProblemTypes.Malformed, "Form refused", "the form did not come from this server's page (missing or stale antiforgery token); reload the page and try again");
        }
    }

    /// <summary>Only a path of this server (no scheme, no host, no <c>//</c> or <c>/\</c>): an open redirect is refused.</summary>
    public static bool IsLocal(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
