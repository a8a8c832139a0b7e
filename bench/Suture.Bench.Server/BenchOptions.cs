using System.Globalization;

namespace Suture.Bench.Server;

internal sealed record BenchOptions(
    string Database, string? Connection, int Hosts, double Seconds, double Warmup, long WarmupCheckIns, int Concurrency, long MaxCheckIns, int Port, string? Results, int? DatabasePid)
{
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions("sqlite", null, 10_000, 20, 15, 5_000, 32, 2_000_000, FreePort(), null, null);
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new BenchException($"{args[i]}: give a value");
            o = args[i] switch
            {
                "--database" => o with { Database = value },
                "--connection" => o with { Connection = value },
                "--hosts" => o with { Hosts = int.Parse(value, CultureInfo.InvariantCulture) },
                "--seconds" => o with { Seconds = double.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup" => o with { Warmup = double.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup-checkins" => o with { WarmupCheckIns = long.Parse(value, CultureInfo.InvariantCulture) },
                "--database-pid" => o with { DatabasePid = int.Parse(value, CultureInfo.InvariantCulture) },
                "--concurrency" => o with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) },
                "--max-checkins" => o with { MaxCheckIns = long.Parse(value, CultureInfo.InvariantCulture) },
                "--results" => o with { Results = value },
                _ => throw new BenchException($"{args[i]}: unknown option (see Program.cs)"),
            };
            i++;
        }

        return o.Hosts is < 1 or > 1_000_000 || o.Seconds is <= 0 or > 600 || o.Concurrency is < 1 or > 1024
            ? throw new BenchException("--hosts 1..1000000, --seconds up to 600, --concurrency 1..1024")
            : o;
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}

internal sealed class BenchException(string message) : Exception(message);
