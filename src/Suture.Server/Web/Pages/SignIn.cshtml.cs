using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Suture.Server.Audit;
using Suture.Server.Data;

namespace Suture.Server.Web.Pages;

/// <summary>Sign-in with an admin API token (the session acts as that token), and sign-out.</summary>
internal sealed class SignInModel(ServerDb db, AuditLog audit, TimeProvider time) : WebPage(time)
{
    [BindProperty(SupportsGet = true, Name = "next")]
    public string? Next { get; set; }

    public async Task<IActionResult> OnPostAsync(string? token)
    {
        System.Security.Claims.ClaimsPrincipal? principal = token is null ? null : await WebSession.FromTokenAsync(db, token, HttpContext.RequestAborted);
        if (principal is null)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Error("sign-in refused: that is not a valid admin token of this server (unknown, revoked or mistyped)");
            return Page();
        }

        await WebSession.SignInAsync(HttpContext, principal);
        await WebAudit.AppendAsync(db, audit, HttpContext, principal, "web.signin", HttpContext.RequestAborted);
        return LocalRedirect(Url.IsLocalUrl(Next) ? Next! : "/");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(WebUi.CookieScheme);
        return Redirect("/signin");
    }
}
