using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.EntityFrameworkCore;
using Prometheus;
using Suture.Protocol;
using Suture.Server.Audit;
using Suture.Server.Auth;
using Suture.Server.CheckIn;
using Suture.Server.Configuration;
using Suture.Server.Data;
using Suture.Server.Feeds;
using Suture.Server.Hosts;
using Suture.Server.Keys;
using Suture.Server.Operations;
using Suture.Server.Patches;
using Suture.Server.Problems;
using Suture.Server.Reports;
using Suture.Server.Tls;
using Suture.Server.Users;
using Suture.Server.Web;

namespace Suture.Server;

/// <summary>
/// Builds the server: configuration, database (migrated at start), TLS, authentication, every
/// feature's endpoints. The same code runs the <c>suture-server</c> program and the tests (which
/// pass their own <see cref="TimeProvider"/> and settings).
/// </summary>
internal static class ServerApp
{
    /// <param name="tool">For a command that only uses the database (audit verify): no certificate, nothing listens.</param>
    public static WebApplication Build(
        string[] args, TimeProvider? time = null, Action<string>? say = null, Action<WebApplicationBuilder>? configure = null, bool tool = false)
    {
        say ??= Console.WriteLine;
        time ??= TimeProvider.System;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning); // not every SQL command
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // not every request (metrics count them)
        configure?.Invoke(builder);
        ServerSettings settings = ServerSettings.From(builder.Configuration);
        ListenAddress listen = ListenAddress.Parse(settings);
        Directory.CreateDirectory(settings.DataDirectory);

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<CheckInTimes>();
        AddDatabase(builder.Services, settings);

        X509Certificate2? certificate = listen.Tls && !tool ? ServerCertificate.Load(settings, time, say) : null;
        builder.Services.AddSingleton(new ServerIdentity(certificate is null ? null : CertificatePin.Of(certificate)));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestSize;
            kestrel.Listen(listen.Address, listen.Port, endpoint =>
            {
                if (certificate is not null)
                {
                    endpoint.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate });
                }
            });
        });

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ProtocolJsonContext.Default);
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            int status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
            if (c.ProblemDetails.Type is null or "about:blank" || c.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                c.ProblemDetails.Type = Problem.TypeFor(status);
            }

            c.ProblemDetails.Extensions.Remove("traceId");
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        AuthSetup.Add(builder.Services, settings);
        builder.Services.AddOpenApi();
        WebUi.Add(builder, settings, listen.Tls);

        WebApplication app = builder.Build();
        app.Use(WebUi.SecurityHeaders);
        ServerMetrics metrics = app.Services.GetRequiredService<ServerMetrics>();
        metrics.CountHostsAtScrape(app.Services);
        app.Use(metrics.MeasureAsync);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        AuthSetup.Use(app);
        app.Use(RequireProtocolVersion);

        RouteGroupBuilder api = app.MapGroup(ProtocolVersion.PathPrefix);
        RegistrationEndpoints.Map(api);
        CheckInEndpoints.Map(api);
        HostEndpoints.Map(api);
        FeedEndpoints.Map(api);
        DeploymentEndpoints.Map(api);
        KeyEndpoints.Map(api);
        PatchEndpoints.Map(api);
        AuditEndpoints.Map(api);
        SessionEndpoints.Map(api);
        UserEndpoints.Map(api);
        TokenEndpoints.Map(api);
        ReportEndpoints.Map(api);
        WebUi.Map(app);
        HealthEndpoints.Map(app);
        app.MapMetrics("/metrics", metrics.Registry).AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }

    /// <summary>Creates or updates the schema, and the first admin token if there is none.</summary>
    public static async Task PrepareAsync(WebApplication app, Action<string> say, CancellationToken ct)
    {
        using IServiceScope scope = app.Services.CreateScope();
        ServerDb db = scope.ServiceProvider.GetRequiredService<ServerDb>();
        await db.Database.MigrateAsync(ct);
        ServerSettings settings = app.Services.GetRequiredService<ServerSettings>();
        await AdminBootstrap.EnsureAsync(db, app.Services.GetRequiredService<AuditLog>(), settings.DataDirectory, app.Services.GetRequiredService<TimeProvider>(), say, ct);
    }

    /// <summary>The addresses Kestrel bound (with the real port when the setting asked for port 0).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    private static void AddDatabase(IServiceCollection services, ServerSettings settings)
    {
        switch (settings.DatabaseProvider)
        {
            case "sqlite":
                services.AddDbContextPool<ServerDb, SqliteServerDb>(o => Common(o).UseSqlite(settings.SqliteConnectionString));
                break;
            case "postgresql" or "postgres" or "npgsql":
                if (string.IsNullOrEmpty(settings.ConnectionString))
                {
                    throw new ServerConfigurationException("Suture:Database:ConnectionString: required with Suture:Database:Provider=postgresql (e.g. Host=db;Database=suture;Username=suture;Password=...)");
                }

                services.AddDbContextPool<ServerDb, PostgresServerDb>(o => Common(o).UseNpgsql(PostgresConnection.WithDefaults(settings.ConnectionString)));
                break;
            default:
                throw new ServerConfigurationException($"Suture:Database:Provider: '{settings.DatabaseProvider}' is not sqlite or postgresql");
        }
    }

    /// <summary>
    /// Each server instance (the tests start many in one process) has its own logging, so EF builds
    /// an internal service provider per instance; that is expected, not the leak the warning is for.
    /// </summary>
    private static DbContextOptionsBuilder Common(DbContextOptionsBuilder o) =>
        o.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.ManyServiceProvidersCreatedWarning));

    /// <summary>A request that names a protocol version must name one this server speaks.</summary>
    private static async Task RequireProtocolVersion(HttpContext context, RequestDelegate next)
    {
        string? version = context.Request.Headers[ProtocolVersion.HeaderName];
        if (version is not null && version != ProtocolVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = 400,
                    Type = ProblemTypes.UnsupportedVersion,
                    Title = "Unsupported protocol version",
                    Detail = $"{ProtocolVersion.HeaderName}: {version}: this server speaks version {ProtocolVersion.Current}",
                },
            });
            return;
        }

        context.Response.Headers[ProtocolVersion.HeaderName] = ProtocolVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await next(context);
    }
}

/// <summary>What the server tells about itself: the pin of its certificate (null on plain HTTP).</summary>
internal sealed record ServerIdentity(string? CertificatePin);
