using System.Globalization;
using System.Text.Json.Nodes;

namespace Suture.Bench;

/// <summary>
/// Entry point of the benchmark harness (run it through bench/run.sh):
/// <c>Suture.Bench --repo DIR --suture BIN --out FILE [--work DIR] [--pids FILE] [--runs N] [--only a,b] [--unwind Suture.Bench.Unwind.dll]</c>.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        Dictionary<string, string> options = Parse(args);
        string repo = Path.GetFullPath(Get(options, "repo", "."));
        string suture = Path.GetFullPath(Get(options, "suture", Path.Combine(repo, "artifacts", "suture")));
        string output = Path.GetFullPath(Get(options, "out", Path.Combine(repo, "bench", "results", "latest.json")));
        string work = Path.GetFullPath(Get(options, "work", Path.Combine(repo, "bench", ".work", "run")));
        string pids = Path.GetFullPath(Get(options, "pids", Path.Combine(repo, "bench", ".work", "pids")));
        int runs = int.Parse(Get(options, "runs", "7"), CultureInfo.InvariantCulture);
        HashSet<string> only = [.. Get(options, "only", "frozen,overhead,fleet,build,unwind").Split(',')];
        string unwindTool = Path.GetFullPath(Get(options, "unwind", Path.Combine(repo, "bench", ".work", "unwind", "Suture.Bench.Unwind.dll")));

        Reaper.Init(pids);
        DateTimeOffset started = DateTimeOffset.UtcNow;
        var report = new Report();
        try
        {
            Console.Error.WriteLine($"bench: preparing {work} (suture: {suture})");
            double load = Machine.Load1();
            if (load > 0.7)
            {
                Console.Error.WriteLine($"bench: warning: load average {load:0.00} before start: other work on this machine skews the figures");
            }

            Workspace ws = Workspace.Prepare(repo, work, suture);
            JsonObject machine = Machine.Describe(ws);
            var patches = new JsonObject();
            foreach ((string name, _) in Workspace.Patched)
            {
                patches[name + "_suture_build_ms"] = Report.Round(ws.BuildPatch(name).Ms);
            }

            Section(report, only, "frozen", () => FrozenBench.Run(ws, runs, report));
            Section(report, only, "overhead", () => OverheadBench.Run(ws, report));
            Section(report, only, "fleet", () => FleetBench.Run(ws, report));
            Section(report, only, "build", () => BuildBench.Run(ws, runs, report));
            Section(report, only, "unwind", () => UnwindBench.Run(ws, unwindTool, report));

            var config = new JsonObject
            {
                ["runs"] = runs,
                ["thread_counts"] = new JsonArray([.. FrozenBench.Threads.Select(t => (JsonNode?)t)]),
                ["fleet_size"] = FleetBench.FleetSize,
                ["sections"] = string.Join(',', only),
                ["target_patches"] = patches,
            };
            string table = report.Table();
            Console.WriteLine();
            Console.WriteLine($"Suture benchmarks, {started:yyyy-MM-dd HH:mm} UTC, {machine["cpu"]} x{machine["cores"]}, kernel {machine["kernel"]}, suture {machine["suture_version"]}");
            Console.WriteLine($"(medians of {runs} runs; frozen = longest gap seen by the target's measuring thread; load average at start {machine["loadavg_at_start"]})");
            Console.WriteLine();
            Console.Write(table);
            report.WriteJson(output, machine, config, started);
            Console.WriteLine();
            Console.WriteLine($"written: {output}");
            foreach (string failure in report.Failures)
            {
                Console.Error.WriteLine($"bench: FAILED: {failure}");
            }

            return report.Failures.Count == 0 ? 0 : 1;
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine($"bench: error: {e.Message}");
            return 1;
        }
        finally
        {
            Reaper.KillAll();
        }
    }

    /// <summary>Runs one benchmark; a failure is recorded and the others still run.</summary>
    private static void Section(Report report, HashSet<string> only, string name, Action body)
    {
        if (!only.Contains(name))
        {
            return;
        }

        try
        {
            body();
        }
        catch (BenchException e)
        {
            report.Failures.Add($"{name}: {e.Message}");
            report.Add(new Row(name, "FAILED", e.Message.Length > 60 ? e.Message[..60] + "..." : e.Message, "", "", "", "failed"));
        }
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"usage: Suture.Bench --repo DIR --suture BIN --out FILE [--work DIR] [--pids FILE] [--runs N] [--only frozen,overhead,fleet,build,unwind] [--unwind DLL]; bad argument '{args[i]}'");
            }

            options[args[i][2..]] = args[++i];
        }

        return options;
    }

    private static string Get(Dictionary<string, string> options, string key, string fallback) =>
        options.TryGetValue(key, out string? value) ? value : fallback;
}
