using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Suture.Bench;

/// <summary>
/// Frozen time measured inside the target (longest gap between two clock reads of its measuring
/// thread) during apply and revert, next to the same window without any suture command; and the
/// wall time of apply, revert and status as a user runs them (process start included), against the
/// same process with its measuring thread asleep instead of spinning.
/// </summary>
internal static partial class FrozenBench
{
    public static readonly int[] Threads = [1, 2, 16, 64, 256];

    public static void Run(Workspace ws, int runs, Report report)
    {
        string patch = ws.PatchFile("frozen");
        double versionMs = Stats.Median(Enumerable.Range(0, runs).Select(_ => ws.SutureTimed("--version").Check().Ms));
        double trueMs = Stats.Median(Enumerable.Range(0, runs).Select(_ => Cmd.Timed("/bin/true", []).Check().Ms));
        var perThreads = new JsonArray();
        var wallRows = new List<Row>();
        var revertRows = new List<Row>();
        foreach (int n in Threads)
        {
            Console.Error.WriteLine($"bench: frozen/wall, {n} thread(s), {runs} runs");
            string count = n.ToString(CultureInfo.InvariantCulture);
            var samples = new List<JsonObject>();
            using (ControlBlock shm = ControlBlock.Create($"frozen-{n}"))
            using (Target target = Target.Start(ws.Exe("frozen"), shm.FilePath, count))
            {
                shm.WaitReady(target);
                Thread.Sleep(300);
                string pid = target.Pid.ToString(CultureInfo.InvariantCulture);
                for (int r = 0; r < runs; r++)
                {
                    samples.Add(OneRun(ws, shm, pid, patch));
                }
            }

            // Wall times against the same process shape with no spinning thread: on a 2-core
            // machine the measuring thread would take one core from suture.
            var quiet = new List<JsonObject>();
            using (ControlBlock shm = ControlBlock.Create($"quiet-{n}"))
            using (Target target = Target.Start(ws.Exe("frozen"), shm.FilePath, count, "quiet"))
            {
                shm.WaitReady(target);
                Thread.Sleep(300);
                string pid = target.Pid.ToString(CultureInfo.InvariantCulture);
                for (int r = 0; r < runs; r++)
                {
                    quiet.Add(WallRun(ws, pid, patch));
                }
            }

            static double Med(List<JsonObject> list, string key) =>
                Stats.Median(list.Where(s => s[key] is not null).Select(s => s[key]!.GetValue<double>()));
            double M(string key) => Med(samples, key);
            double Min(string key) => samples.Min(s => s[key]!.GetValue<double>());
            double Q(string key) => Med(quiet, key);
            double applyGap = M("apply_frozen_ms"), revertGap = M("revert_frozen_ms"), baseGap = M("baseline_frozen_ms");
            double applyWall = Q("apply_wall_ms"), revertWall = Q("revert_wall_ms"), statusWall = Q("status_wall_ms");
            perThreads.Add((JsonNode)new JsonObject
            {
                ["threads"] = n,
                ["apply_frozen_ms"] = Report.Round(applyGap),
                ["revert_frozen_ms"] = Report.Round(revertGap),
                ["baseline_frozen_ms"] = Report.Round(baseGap),
                ["apply_frozen_ms_min"] = Report.Round(Min("apply_frozen_ms")),
                ["revert_frozen_ms_min"] = Report.Round(Min("revert_frozen_ms")),
                ["apply_wall_ms_min"] = Report.Round(quiet.Min(s => s["apply_wall_ms"]!.GetValue<double>())),
                ["apply_wall_ms"] = Report.Round(applyWall),
                ["revert_wall_ms"] = Report.Round(revertWall),
                ["status_wall_ms"] = Report.Round(statusWall),
                ["apply_engine_ms"] = Report.Round(Q("apply_engine_ms")),
                ["busy_target_apply_wall_ms"] = Report.Round(M("apply_wall_ms")),
                ["busy_target_revert_wall_ms"] = Report.Round(M("revert_wall_ms")),
                ["busy_target_status_wall_ms"] = Report.Round(M("status_wall_ms")),
                ["busy_target_apply_engine_ms"] = Report.Round(M("apply_engine_ms")),
                ["frozen_runs"] = new JsonArray([.. samples]),
                ["wall_runs"] = new JsonArray([.. quiet]),
            });

            bool few = n <= 2;
            string threads = n == 1 ? "1 thread" : $"{n} threads";
            string goal = few ? "<= 0.3 ms" : n == 256 ? "<= 3 ms" : "-";
            string verdict = few ? Report.AtMost(applyGap, 0.3) : n == 256 ? Report.AtMost(applyGap, 3) : "-";
            string field = few ? "1.8-2.8 ms" : n == 256 ? "23-944 ms" : "-";
            report.Add(new Row("frozen during apply", threads, Report.Ms(applyGap, 3), Report.Ms(baseGap, 3), field, goal, verdict));
            revertRows.Add(new Row("frozen during revert", threads, Report.Ms(revertGap, 3), Report.Ms(baseGap, 3), "-", goal,
                few ? Report.AtMost(revertGap, 0.3) : n == 256 ? Report.AtMost(revertGap, 3) : "-"));
            wallRows.Add(new Row("wall: suture apply", threads, Report.Ms(applyWall), $"{Report.Ms(versionMs)} (suture --version)",
                few ? "4.3-5 ms" : "-", few ? "<= 3 ms" : "-", few ? Report.AtMost(applyWall, 3) : "-"));
            wallRows.Add(new Row("wall: suture revert", threads, Report.Ms(revertWall), "", "-", "-", "-"));
            wallRows.Add(new Row("wall: suture status", threads, Report.Ms(statusWall), "", "-", "-", "-"));
        }

        foreach (Row row in revertRows.Concat(wallRows))
        {
            report.Add(row);
        }

        report.Results["frozen_and_wall"] = new JsonObject
        {
            ["runs_per_case"] = runs,
            ["suture_version_wall_ms"] = Report.Round(versionMs),
            ["bin_true_wall_ms"] = Report.Round(trueMs),
            ["by_threads"] = perThreads,
        };
    }

    private static JsonObject OneRun(Workspace ws, ControlBlock shm, string pid, string patch)
    {
        // Apply window.
        shm.Reset();
        var window = Stopwatch.StartNew();
        CmdResult apply = ws.SutureTimed("apply", "-p", pid, patch).Check();
        var applied = shm.Sample();
        double windowMs = window.Elapsed.TotalMilliseconds;
        Thread.Sleep(30);

        CmdResult status = ws.SutureTimed("status", "-p", pid).Check();
        if (!status.Stdout.Contains("1 patch(es) active", StringComparison.Ordinal))
        {
            throw new BenchException($"status after apply does not show the patch: {status.Stdout.Trim()}");
        }

        Thread.Sleep(30);

        // Baseline: the same window with no suture command.
        shm.Reset();
        Thread.Sleep(TimeSpan.FromMilliseconds(windowMs));
        var quiet = shm.Sample();
        Thread.Sleep(30);

        // Revert window.
        shm.Reset();
        CmdResult revert = ws.SutureTimed("revert", "-p", pid).Check();
        var reverted = shm.Sample();
        Thread.Sleep(30);

        Match engine = EngineTime().Match(apply.Stdout);
        return new JsonObject
        {
            ["apply_frozen_ms"] = Math.Round(applied.MaxGapNs / 1e6, 4),
            ["revert_frozen_ms"] = Math.Round(reverted.MaxGapNs / 1e6, 4),
            ["baseline_frozen_ms"] = Math.Round(quiet.MaxGapNs / 1e6, 4),
            ["apply_stops_over_20us"] = applied.Stops,
            ["apply_stopped_total_ms"] = Math.Round(applied.StoppedNs / 1e6, 4),
            ["revert_stops_over_20us"] = reverted.Stops,
            ["baseline_stops_over_20us"] = quiet.Stops,
            ["apply_wall_ms"] = Math.Round(apply.Ms, 4),
            ["revert_wall_ms"] = Math.Round(revert.Ms, 4),
            ["status_wall_ms"] = Math.Round(status.Ms, 4),
            ["apply_engine_ms"] = engine.Success ? (JsonNode?)double.Parse(engine.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            ["window_ms"] = Math.Round(windowMs, 3),
        };
    }

    private static JsonObject WallRun(Workspace ws, string pid, string patch)
    {
        CmdResult apply = ws.SutureTimed("apply", "-p", pid, patch).Check();
        Thread.Sleep(20);
        CmdResult status = ws.SutureTimed("status", "-p", pid).Check();
        Thread.Sleep(20);
        CmdResult revert = ws.SutureTimed("revert", "-p", pid).Check();
        Thread.Sleep(20);
        Match engine = EngineTime().Match(apply.Stdout);
        return new JsonObject
        {
            ["apply_wall_ms"] = Math.Round(apply.Ms, 4),
            ["revert_wall_ms"] = Math.Round(revert.Ms, 4),
            ["status_wall_ms"] = Math.Round(status.Ms, 4),
            ["apply_engine_ms"] = engine.Success ? (JsonNode?)double.Parse(engine.Groups[1].Value, CultureInfo.InvariantCulture) : null,
        };
    }

    [GeneratedRegex(@" in ([0-9.]+) ms")]
    private static partial Regex EngineTime();
}
