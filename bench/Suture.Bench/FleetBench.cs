using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Suture.Bench;

/// <summary>
/// `suture apply -p all` over a fleet of small processes: 1,000 of which 10 map the patched
/// object, and 1,000 that all map it. Reported as fleet processes handled per second of wall.
/// Until `-p all` exists the figures are "n/a (not implemented)" (detected, not assumed).
/// </summary>
internal static partial class FleetBench
{
    public const int FleetSize = 1000;

    public static void Run(Workspace ws, Report report)
    {
        Console.Error.WriteLine("bench: fleet (apply -p all)");
        string patch = ws.PatchFile("fleet");
        (bool supported, string why) = Detect(ws, patch);
        var json = new JsonObject { ["supported"] = supported, ["fleet_size"] = FleetSize };
        (string Name, int Mapping)[] scenarios = [($"{FleetSize:N0} processes, 10 map the object", 10), ($"{FleetSize:N0} processes, all map it", FleetSize)];
        var cases = new JsonArray();
        foreach ((string name, int mapping) in scenarios)
        {
            if (!supported)
            {
                cases.Add((JsonNode)new JsonObject { ["case"] = name, ["processes_per_s"] = Report.NotImplemented });
                report.Add(new Row("fleet apply (-p all)", name, Report.NotImplemented, "", "800-900 processes/s", ">= 2000 processes/s", "n/a"));
                continue;
            }

            JsonObject result = Scenario(ws, patch, FleetSize, mapping);
            result["case"] = name;
            cases.Add((JsonNode)result);
            double rate = result["processes_per_s"]!.GetValue<double>();
            string detail = $"{rate:0} processes/s ({result["wall_ms"]!.GetValue<double>():0} ms, {result["patched"]} patched)";
            report.Add(new Row("fleet apply (-p all)", name, detail, "", "800-900 processes/s", ">= 2000 processes/s", Report.AtLeast(rate, 2000)));
        }

        if (!supported)
        {
            json["reason"] = why;
        }

        json["cases"] = cases;
        report.Results["fleet"] = json;
    }

    /// <summary>
    /// Runs `apply -p all` while no process maps the fleet binary yet: a version that knows `all`
    /// answers "0 process(es) map ..." (exit 0); one that does not rejects the pid (exit 2).
    /// </summary>
    private static (bool Supported, string Why) Detect(Workspace ws, string patch)
    {
        CmdResult probe = ws.SutureTimed("apply", "-p", "all", patch);
        if (probe.ExitCode == 0 && FleetLine().IsMatch(probe.Stdout))
        {
            return (true, "");
        }

        string message = (probe.Stderr + "\n" + probe.Stdout).Trim().Split('\n')[0].Trim();
        return probe.ExitCode == 2 || message.Contains("'all'", StringComparison.Ordinal)
            ? (false, $"suture apply -p all rejected (exit {probe.ExitCode}): {message}")
            : (false, $"suture apply -p all failed (exit {probe.ExitCode}): {message}");
    }

    private static JsonObject Scenario(Workspace ws, string patch, int total, int mapping)
    {
        Console.Error.WriteLine($"bench: fleet: starting {total} processes, {mapping} mapping the object");
        using Target? bystanders = total > mapping ? Target.StartHerd(ws.Exe("herd"), total - mapping, ws.Exe("idle")) : null;
        using Target members = Target.StartHerd(ws.Exe("herd"), mapping, ws.Exe("fleet"));
        Thread.Sleep(500);
        int system = Directory.GetDirectories("/proc").Count(d => int.TryParse(Path.GetFileName(d), out _));
        CmdResult apply = ws.SutureTimed("apply", "-p", "all", patch);
        Match m = FleetLine().Match(apply.Stdout);
        if (!m.Success)
        {
            throw new BenchException($"apply -p all (exit {apply.ExitCode}) printed no summary: {apply.Stderr.Trim()}");
        }

        int I(int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["processes_on_system"] = system,
            ["mapping"] = mapping,
            ["wall_ms"] = Math.Round(apply.Ms, 3),
            ["processes_per_s"] = Math.Round(total / (apply.Ms / 1000), 1),
            ["scanned_per_s"] = Math.Round(system / (apply.Ms / 1000), 1),
            ["exit_code"] = apply.ExitCode,
            ["found"] = I(1),
            ["patched"] = I(2),
            ["already_patched"] = I(3),
            ["not_patchable"] = I(4),
            ["exited"] = I(5),
        };
    }

    [GeneratedRegex(@"(\d+) process\(es\) map .*?: (\d+) patched, (\d+) already patched, (\d+) not patchable, (\d+) exited")]
    private static partial Regex FleetLine();
}
