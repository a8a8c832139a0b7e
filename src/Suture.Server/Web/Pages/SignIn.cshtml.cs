using Microsoft.AspNetCore.Mvc;

namespace Suture.Server.Web.Pages;

/// <summary>The sign-in form; it posts to <see cref="WebSignIn"/>, which sends the browser back here with <c>failed=true</c> when refused.</summary>
internal sealed class SignInModel(TimeProvider time) : WebPage(time)
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Failed { get; set; }

    public void OnGet()
    {
        if (ReturnUrl is not null && !WebSignIn.IsLocal(ReturnUrl))
        {
            ReturnUrl = null;
        }

        if (Failed)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
    }
}
