using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Suture.Bench.Server;
using Suture.Protocol;

// bench/server.sh runs this; alone:
//   dotnet Suture.Bench.Server.dll --database sqlite|postgresql [--connection CS] [--hosts N]
//       [--seconds S] [--warmup S] [--warmup-checkins N] [--concurrency C] [--max-checkins N]
//       [--results FILE] [--database-pid PID (PostgreSQL's postmaster: its CPU is counted too)]
// Seeds N registered hosts, starts suture-server, checks in for S seconds (or N check-ins), prints
// check-ins per second and latency percentiles, stops the server with SIGTERM. Bounded: it stops
// by itself, and kills the server it started on any failure or signal.
var options = BenchOptions.Parse(args);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30)); // the whole run, seeding included
using PosixSignalRegistration onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
using PosixSignalRegistration onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
string data = Directory.CreateTempSubdirectory("suture-bench-server-").FullName;
try
{
    string[] settings =
    [
        $"--Suture:DataDirectory={data}",
        $"--Suture:Listen=https://127.0.0.1:{options.Port}",
        $"--Suture:Database:Provider={options.Database}",
        .. options.Connection is { } cs ? [$"--Suture:Database:ConnectionString={cs}"] : Array.Empty<string>(),
        "--Logging:LogLevel:Default=Warning",
    ];
    var seedClock = Stopwatch.StartNew();
    Fleet fleet = await Fleet.SeedAsync(settings, options.Hosts, cancel.Token);
    Console.Error.WriteLine($"bench: seeded {options.Hosts} hosts in {seedClock.Elapsed.TotalSeconds:F1} s");

    using ServerProcess server = await ServerProcess.StartAsync(settings, cancel.Token);
    var handler = new SocketsHttpHandler
    {
        MaxConnectionsPerServer = options.Concurrency,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 x && CertificatePin.Matches(x, server.Pin),
        },
    };
    using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{options.Port}"), Timeout = TimeSpan.FromSeconds(30) };
    client.DefaultRequestHeaders.Add(ProtocolVersion.HeaderName, "1");

    string load0 = "";
    double cpu0 = 0, db0 = 0;
    // The counters are read after the warm-up (LoadGenerator runs it first): measured span only.
    Measurement m = await LoadGenerator.RunAsync(client, fleet, options, () =>
    {
        cpu0 = server.CpuSeconds();
        db0 = options.DatabasePid is { } p ? ServerProcess.TreeCpuSeconds(p) : 0;
        load0 = File.ReadAllText("/proc/loadavg").Trim();
    }, cancel.Token);
    double serverCpu = server.CpuSeconds() - cpu0;
    double databaseCpu = options.DatabasePid is { } pid ? ServerProcess.TreeCpuSeconds(pid) - db0 : double.NaN;
    string load1 = File.ReadAllText("/proc/loadavg").Trim();
    string metrics = await client.GetStringAsync("/metrics", cancel.Token);
    await server.StopAsync();

    string databaseFigure = options.DatabasePid is null ? "" : string.Create(CultureInfo.InvariantCulture, $"database-cpu-per-checkin={1000 * databaseCpu / Math.Max(1, m.Count):F2}ms ");
    string line = string.Create(CultureInfo.InvariantCulture,
        $"{options.Database,-10} hosts={options.Hosts,-7} concurrency={options.Concurrency,-3} check-ins={m.Count,-7} seconds={m.Seconds:F1} rate={m.Count / m.Seconds:F0}/s " +
        $"p50={m.Percentile(50):F2}ms p90={m.Percentile(90):F2}ms p99={m.Percentile(99):F2}ms max={m.Percentile(100):F1}ms errors={m.Errors} " +
        $"server-cpu={serverCpu / m.Seconds:F2}cores server-cpu-per-checkin={1000 * serverCpu / Math.Max(1, m.Count):F2}ms " +
        $"{databaseFigure}loadavg-before=\"{load0}\" loadavg-after=\"{load1}\" server-counted={Counted(metrics)}");
    Console.WriteLine(line);
    if (options.Results is { } file)
    {
        File.AppendAllText(file, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {line}\n");
    }

    return m.Errors == 0 ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("bench: stopped (signal or the 30-minute bound)");
    return 1;
}
catch (BenchException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(data, recursive: true);
}

static string Counted(string metrics) =>
    metrics.Split('\n').FirstOrDefault(l => l.StartsWith("suture_checkins_total{status=\"200\"}", StringComparison.Ordinal))?.Split(' ')[1] ?? "?";
