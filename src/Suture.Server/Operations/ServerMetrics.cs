using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Prometheus;
using Suture.Server.Data;

namespace Suture.Server.Operations;

/// <summary>
/// What <c>GET /metrics</c> exports (Prometheus text format, prometheus-net): check-ins by status and
/// their latency from the first byte of the request to the last of the answer (token lookup
/// included), registrations, results and inventories stored, every request by status class, the
/// registered hosts (counted in the database at each scrape, so every instance sharing a database
/// reports the fleet's number) and the process's own figures. One registry per server instance:
/// the tests run many in one process.
/// </summary>
internal sealed class ServerMetrics
{
    public const string CheckInPath = "/api/v1/checkin";
    public const string RegisterPath = "/api/v1/register";

    private readonly Counter _checkIns;
    private readonly Histogram _checkInSeconds;
    private readonly Counter _registrations;
    private readonly Counter _requests;

    public ServerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        MetricFactory factory = Metrics.WithCustomRegistry(Registry);
        _checkIns = factory.CreateCounter("suture_checkins_total", "Host check-ins answered, by HTTP status", ["status"]);
        _checkInSeconds = factory.CreateHistogram("suture_checkin_duration_seconds", "Time to answer a check-in, authentication included", new HistogramConfiguration
        {
            Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14), // 0.5 ms to 4 s
        });
        _registrations = factory.CreateCounter("suture_registrations_total", "Host registrations answered, by HTTP status", ["status"]);
        _requests = factory.CreateCounter("suture_http_requests_total", "Requests answered, by status class (2xx, 4xx, 5xx)", ["class"]);
        InventoriesStored = factory.CreateCounter("suture_checkin_inventories_stored_total", "Check-ins that replaced a host's stored inventory (its digest changed)");
        InventoriesRequired = factory.CreateCounter("suture_checkin_inventory_required_total", "Check-ins answered inventoryRequired (the server did not have the host's inventory)");
        ResultsStored = factory.CreateCounter("suture_checkin_results_stored_total", "Per-process results stored (each once per host and result id)");
        HostsRegistered = factory.CreateGauge("suture_hosts_registered", "Hosts registered in the database (all instances sharing it)");
    }

    public CollectorRegistry Registry { get; }

    public Counter InventoriesStored { get; }

    public Counter InventoriesRequired { get; }

    public Counter ResultsStored { get; }

    public Gauge HostsRegistered { get; }

    /// <summary>Counts the database's hosts just before each scrape.</summary>
    public void CountHostsAtScrape(IServiceProvider services) => Registry.AddBeforeCollectCallback(async ct =>
    {
        using IServiceScope scope = services.CreateScope();
        try
        {
            HostsRegistered.Set(await scope.ServiceProvider.GetRequiredService<ServerDb>().Hosts.LongCountAsync(ct));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            HostsRegistered.Set(double.NaN); // the database is unreachable: /readyz says why
        }
    });

    /// <summary>The middleware that times check-ins and counts answers.</summary>
    public async Task MeasureAsync(HttpContext context, RequestDelegate next)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            int status = context.Response.StatusCode;
            PathString path = context.Request.Path;
            if (path.Equals(CheckInPath, StringComparison.Ordinal))
            {
                _checkInSeconds.Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
                _checkIns.WithLabels(StatusLabel(status)).Inc();
            }
            else if (path.Equals(RegisterPath, StringComparison.Ordinal))
            {
                _registrations.WithLabels(StatusLabel(status)).Inc();
            }

            _requests.WithLabels(status switch { < 300 => "2xx", < 400 => "3xx", < 500 => "4xx", _ => "5xx" }).Inc();
        }
    }

    private static string StatusLabel(int status) => status switch
    {
        200 => "200",
        400 => "400",
        401 => "401",
        403 => "403",
        413 => "413",
        429 => "429",
        500 => "500",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
