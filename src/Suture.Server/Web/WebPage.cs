using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Suture.Server.Web;

/// <summary>What every page shares: the signed-in user's rights, messages, times as people read them.</summary>
internal abstract class WebPage(TimeProvider time) : PageModel
{
    protected TimeProvider Clock { get; } = time;

    public DateTimeOffset Now => Clock.GetUtcNow();

    public bool CanOperate => WebUi.CanOperate(User);

    /// <summary>A message shown once, on the page the browser is sent to next.</summary>
    protected void Flash(string message) => TempData["Flash"] = message;

    protected void Error(string message) => ViewData["Error"] = message;

    /// <summary>Refuses a change to a read-only user: 403 with the reason on the page.</summary>
    protected bool Refused()
    {
        if (CanOperate)
        {
            return false;
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        Error($"{User.Identity?.Name}: a read-only user may look but not change anything; ask an operator or admin");
        return true;
    }

    /// <summary>The detail of an endpoint's problem answer, or null when it succeeded.</summary>
    protected static string? ProblemOf(IResult result) => result is ProblemHttpResult p ? p.ProblemDetails.Detail ?? p.ProblemDetails.Title : null;

    public static string Time(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "never";

    public string Ago(DateTimeOffset? t)
    {
        if (t is not { } v)
        {
            return "never";
        }

        TimeSpan d = Now - v;
        return d < TimeSpan.FromMinutes(1) ? "just now"
            : d < TimeSpan.FromHours(1) ? $"{(int)d.TotalMinutes} min ago"
            : d < TimeSpan.FromDays(2) ? $"{(int)d.TotalHours} h ago"
            : $"{(int)d.TotalDays} days ago";
    }

    public static string Short(string hex) => hex.Length > 12 ? hex[..12] + "…" : hex;

    protected IActionResult Back() => Redirect(Request.Path + Request.QueryString);
}
