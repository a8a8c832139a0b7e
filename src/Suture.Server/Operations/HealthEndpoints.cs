using Microsoft.EntityFrameworkCore;
using Suture.Protocol;
using Suture.Server.Data;
using Suture.Server.Problems;

namespace Suture.Server.Operations;

/// <summary>
/// <c>GET /healthz</c> (liveness: the process serves requests, nothing else is checked, so a
/// database outage does not get the server restarted) and <c>GET /readyz</c> (readiness: the
/// database answers and has every migration this server knows; not ready while shutting down, so a
/// load balancer drains the instance). Anonymous, as probes are.
/// </summary>
internal static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok\n")).AllowAnonymous().WithTags("Operations");
        app.MapGet("/readyz", ReadyAsync).AllowAnonymous().WithTags("Operations");
    }

    private static async Task<IResult> ReadyAsync(ServerDb db, Configuration.ServerSettings settings, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return NotReady("the server is shutting down");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            if (!await db.Database.CanConnectAsync(timeout.Token))
            {
                return NotReady($"database ({settings.DatabaseProvider}): cannot connect or it does not exist; check Suture:Database:ConnectionString (or the SQLite file in Suture:DataDirectory) and that the database server runs");
            }

            List<string> pending = [.. await db.Database.GetPendingMigrationsAsync(timeout.Token)];
            return pending.Count > 0
                ? NotReady($"database: {pending.Count} migration(s) not applied ({string.Join(", ", pending)}); restart the server to apply them")
                : TypedResults.Text("ready\n");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return NotReady("database: no answer within 5 seconds");
        }
        catch (System.Data.Common.DbException e)
        {
            return NotReady($"database: {e.Message}");
        }
    }

    private static IResult NotReady(string detail) =>
        Problem.Of(StatusCodes.Status503ServiceUnavailable, ProblemTypes.NotReady, "Not ready", detail);
}
