using System.Security.Claims;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.Data;

namespace Suture.Server.Web;

/// <summary>Audit entries for what happens in the web UI itself (sign-in); its changes are audited by the endpoints it calls.</summary>
internal static class WebAudit
{
    public static Task AppendAsync(ServerDb db, AuditLog audit, HttpContext http, ClaimsPrincipal who, string action, CancellationToken ct) =>
        WriteTransaction.RunAsync(db, async () =>
        {
            await audit.AppendAsync(db, who.Actor(), action, who.Identity?.Name ?? "", new() { ["userAgent"] = Truncate(http.Request.Headers.UserAgent.ToString()) }, http.Remote(), ct);
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);

    private static string Truncate(string s) => s.Length > 200 ? s[..200] : s;
}
