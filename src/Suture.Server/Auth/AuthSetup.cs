using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol;
using Suture.Server.Configuration;
using Suture.Server.Data;

namespace Suture.Server.Auth;

/// <summary>
/// Authentication (bearer tokens for hosts and API clients, a sign-in cookie for the web UI),
/// the role policies, and the rate limits on registration and sign-in. docs/server.md#users-and-roles.
/// </summary>
internal static class AuthSetup
{
    /// <summary>Picks the scheme per request: a bearer token when the request has an Authorization header, else the sign-in cookie.</summary>
    public const string Scheme = "suture";

    public const string CookieName = "suture_session";

    public const string RegistrationLimit = "registration";
    public const string SignInLimit = "sign-in";

    public static void Add(IServiceCollection services, ServerSettings settings)
    {
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "bearer token or sign-in cookie", o => o.ForwardDefaultSelector = c =>
                c.Request.Headers.Authorization.Count > 0 ? BearerAuthentication.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthentication>(BearerAuthentication.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // https always, except the explicit loopback plain-HTTP mode
                o.ExpireTimeSpan = TimeSpan.FromHours(settings.SessionHours);
                o.SlidingExpiration = true;
                o.LoginPath = "/sign-in";
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
                o.Events.OnRedirectToLogin = c => ApiStatus(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => ApiStatus(c, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.ReadPolicy, p => p.RequireRole(Roles.ReadOnly, Roles.Operator, Roles.Admin))
            .AddPolicy(Roles.OperatePolicy, p => p.RequireRole(Roles.Operator, Roles.Admin))
            .AddPolicy(Roles.AdminPolicy, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.HostPolicy, p => p.RequireRole(Roles.Host))
            .AddPolicy(Roles.AnyPolicy, p => p.RequireRole(Roles.Host, Roles.ReadOnly, Roles.Operator, Roles.Admin))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireRole(Roles.ReadOnly, Roles.Operator, Roles.Admin).Build()); // an endpoint that names no policy is for users only

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RegistrationLimit, c => PerAddress(c, RegistrationLimit, settings.RegistrationsPerMinute));
            o.AddPolicy(SignInLimit, c => PerAddress(c, SignInLimit, settings.SignInsPerMinute));
            o.OnRejected = async (context, ct) =>
            {
                HttpContext http = context.HttpContext;
                http.Response.Headers.RetryAfter = "60";
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = 429,
                        Type = ProblemTypes.RateLimited,
                        Title = "Too many requests",
                        Detail = $"{http.Request.Path}: too many requests from {http.Connection.RemoteIpAddress} in the last minute; try again in a minute",
                    },
                });
            };
        });
    }

    /// <summary>After routing: the rate limits, and the CSRF rule for cookie sessions.</summary>
    public static void Use(WebApplication app)
    {
        app.UseRateLimiter();
        app.Use(RequireHeaderForCookieChanges);
    }

    /// <summary>A fixed window of one minute per remote address; 0 turns the limit off (e.g. for a load benchmark).</summary>
    private static RateLimitPartition<string> PerAddress(HttpContext c, string name, int perMinute)
    {
        string address = c.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return perMinute <= 0
            ? RateLimitPartition.GetNoLimiter(address)
            : RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
    }

    /// <summary>
    /// Each request of a sign-in session re-reads its user: a disabled user, a changed password or
    /// role (a new session stamp) ends the session at once, and the role is always the current one.
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        ClaimsPrincipal? principal = context.Principal;
        long? id = principal?.UserId();
        string? stamp = principal?.FindFirstValue(Principals.StampClaim);
        ServerDb db = context.HttpContext.RequestServices.GetRequiredService<ServerDb>();
        var user = id is null ? null : await db.Users.AsNoTracking().Where(u => u.Id == id && u.Disabled == null)
            .Select(u => new { u.Id, u.Name, u.Role, u.SessionStamp }).FirstOrDefaultAsync(context.HttpContext.RequestAborted);
        if (user is null || user.SessionStamp != stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        context.ReplacePrincipal(Principals.User(user.Id, user.Name, user.Role, $"user:{user.Name}", CookieAuthenticationDefaults.AuthenticationScheme, stamp: user.SessionStamp));
    }

    /// <summary>The API answers 401/403 (ProblemDetails) where the cookie handler would redirect to a sign-in page.</summary>
    private static Task ApiStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments(ProtocolVersion.PathPrefix, StringComparison.Ordinal) || context.Request.Path.StartsWithSegments("/openapi", StringComparison.Ordinal))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Cross-site request forgery: a browser sends the (SameSite=Strict) cookie only from the
    /// server's own pages, and a changing API request with the cookie must also carry the
    /// <c>Suture-Protocol</c> header, which a cross-site form cannot set.
    /// </summary>
    private static async Task RequireHeaderForCookieChanges(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieAuthenticationDefaults.AuthenticationScheme }
            && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && context.Request.Path.StartsWithSegments(ProtocolVersion.PathPrefix, StringComparison.Ordinal)
            && context.Request.Headers[ProtocolVersion.HeaderName].Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = 403,
                    Type = ProblemTypes.Forbidden,
                    Title = "Forbidden",
                    Detail = $"{context.Request.Method} {context.Request.Path} with a sign-in cookie needs the header {ProtocolVersion.HeaderName}: {ProtocolVersion.Current} (protection against cross-site requests)",
                },
            });
            return;
        }

        await next(context);
    }
}
