using System.Reflection;
using Microsoft.AspNetCore.DataProtection;
using Suture.Server.Auth;
using Suture.Server.Configuration;

namespace Suture.Server.Web;

/// <summary>
/// The web UI: server-rendered Razor Pages under <c>Web/Pages</c>, signed in with the users'
/// session cookie (Auth/AuthSetup), antiforgery on every form, and a Content-Security-Policy that
/// allows no script at all.
/// docs/server.md#web-ui.
/// </summary>
internal static class WebUi
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private const string StylesheetResource = "Suture.Server.Web.Static.suture.css";

    public static void Add(WebApplicationBuilder builder, ServerSettings settings, bool tls)
    {
        string keys = builder.Configuration["Suture:Web:KeyDirectory"] is { Length: > 0 } shared ? shared : Path.Combine(settings.DataDirectory, "web-keys");
        PrivateDirectory(keys);
        builder.Services.AddDataProtection()
            .SetApplicationName("suture-server")
            .PersistKeysToFileSystem(new DirectoryInfo(keys));
        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Web/Pages";
            o.Conventions.AuthorizeFolder("/", Roles.ReadPolicy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
        }).AddApplicationPart(typeof(WebUi).Assembly); // the pages are compiled into this assembly, which is not the entry one under a test host
        CookieSecurePolicy secure = tls ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "suture-antiforgery";
            o.Cookie.SecurePolicy = secure;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SuppressXFrameOptionsHeader = true; // ours says DENY, on every answer
        });
    }

    public static void Map(WebApplication app)
    {
        byte[] stylesheet = ReadResource(StylesheetResource);
        app.MapGet("/static/suture.css", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return TypedResults.Bytes(stylesheet, "text/css; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        WebSignIn.Map(app);
        app.MapRazorPages();
    }

    /// <summary>Headers every answer carries: no script, no framing, no sniffing, no referrer; pages are not cached.</summary>
    public static Task SecurityHeaders(HttpContext context, RequestDelegate next)
    {
        IHeaderDictionary h = context.Response.Headers;
        h.ContentSecurityPolicy = ContentSecurityPolicy;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        if (!context.Request.Path.StartsWithSegments("/static", StringComparison.Ordinal))
        {
            h.CacheControl = "no-store";
        }

        return next(context);
    }

    /// <summary>Whether the signed-in user may change deployments and feeds (not read-only).</summary>
    public static bool CanOperate(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Operator);

    private static byte[] ReadResource(string name)
    {
        using Stream s = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the server was built without its resource {name}");
        using var buffer = new MemoryStream();
        s.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The keys that protect session and antiforgery cookies: readable by the server's user only.</summary>
    private static void PrivateDirectory(string path)
    {
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
