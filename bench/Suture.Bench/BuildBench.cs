using System.Text.Json.Nodes;

namespace Suture.Bench;

/// <summary>
/// Wall time of `suture build` (copies the tree twice, builds both through its compiler wrappers,
/// diffs the objects) beside the plain build of the same tree, for the seed example and for the
/// ten-file make project in bench/projects/multi.
/// </summary>
internal static class BuildBench
{
    public static void Run(Workspace ws, int runs, Report report)
    {
        Console.Error.WriteLine("bench: suture build");
        string seed = Path.Combine(ws.Repo, "examples", "seed");
        var seedResult = Project(ws, runs, "seed", seed, ["foo.c", "fix.diff"], "gcc -o foo foo.c", "foo", ["gcc", "-o", "foo", "foo.c"], null);
        var multiResult = Project(ws, runs, "multi", Path.Combine(ws.Repo, "bench", "projects", "multi"), null, "make -j2", "multi", ["make", "-j2", "-s"], ["make", "-s", "clean"]);
        report.Results["build"] = new JsonObject { ["runs"] = runs, ["seed"] = seedResult.Json, ["multi"] = multiResult.Json };
        report.Add(new Row("suture build", "examples/seed (1 file, gcc)", Report.Ms(seedResult.Suture, 0), $"{Report.Ms(seedResult.Plain, 0)} (plain build)", "-", "-", "-"));
        report.Add(new Row("suture build", "bench/projects/multi (10 files, make -j2)", Report.Ms(multiResult.Suture, 0), $"{Report.Ms(multiResult.Plain, 0)} (plain build)", "-", "-", "-"));
    }

    private static (double Suture, double Plain, JsonObject Json) Project(
        Workspace ws, int runs, string name, string from, string[]? files, string build, string binary, string[] plainCommand, string[]? clean)
    {
        string src = Path.Combine(ws.Dir, name + "-src");
        string plain = Path.Combine(ws.Dir, name + "-plain");
        foreach (string dir in new[] { src, plain })
        {
            if (files is null)
            {
                Workspace.CopyTree(from, dir);
            }
            else
            {
                Directory.CreateDirectory(dir);
                foreach (string f in files)
                {
                    File.Copy(Path.Combine(from, f), Path.Combine(dir, f), overwrite: true);
                }
            }
        }

        var plainMs = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            if (clean is not null)
            {
                Cmd.Run(clean[0], clean[1..], plain).Check();
            }

            plainMs.Add(Cmd.Timed(plainCommand[0], plainCommand[1..], plain).Check().Ms);
        }

        var sutureMs = new List<double>();
        string output = Path.Combine(ws.Dir, name + ".patch");
        for (int r = 0; r < runs; r++)
        {
            sutureMs.Add(ws.SutureTimed(
                "build", "--source", src, "--patch", Path.Combine(src, "fix.diff"), "--build", build,
                "--target", Path.Combine(plain, binary), "-o", output).Check().Ms);
        }

        double s = Stats.Median(sutureMs), p = Stats.Median(plainMs);
        return (s, p, new JsonObject
        {
            ["build_command"] = build,
            ["suture_build_ms"] = Report.Round(s),
            ["plain_build_ms"] = Report.Round(p),
            ["ratio"] = Report.Round(s / p, 2),
            ["suture_build_runs_ms"] = new JsonArray([.. sutureMs.Select(v => (JsonNode?)Math.Round(v, 2))]),
            ["plain_build_runs_ms"] = new JsonArray([.. plainMs.Select(v => (JsonNode?)Math.Round(v, 2))]),
        });
    }
}
