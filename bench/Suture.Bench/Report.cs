using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Suture.Bench;

/// <summary>One line of the printed table.</summary>
internal sealed record Row(string Figure, string Case, string Suture, string Baseline, string Field, string Goal, string Verdict);

/// <summary>Collects the table rows and the JSON figures of every benchmark.</summary>
internal sealed class Report
{
    public const string NotImplemented = "n/a (not implemented)";

    private readonly List<Row> rows = [];

    public JsonObject Results { get; } = [];

    public List<string> Failures { get; } = [];

    public void Add(Row row) => rows.Add(row);

    public static string Ms(double ms, int decimals = 2) => double.IsNaN(ms) ? "n/a" : ms.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " ms";

    public static string Num(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>"met" or "missed" against an upper bound.</summary>
    public static string AtMost(double value, double limit) => double.IsNaN(value) ? "n/a" : value <= limit ? "met" : "missed";

    /// <summary>"met" or "missed" against a lower bound.</summary>
    public static string AtLeast(double value, double limit) => double.IsNaN(value) ? "n/a" : value >= limit ? "met" : "missed";

    /// <summary>Rounds for JSON (NaN becomes null).</summary>
    public static JsonNode? Round(double value, int decimals = 4) => double.IsNaN(value) ? null : JsonValue.Create(Math.Round(value, decimals));

    public string Table()
    {
        string[] head = ["figure", "case", "suture", "no-patch baseline", "field", "goal", "verdict"];
        List<string[]> cells = [head, .. rows.Select(r => new[] { r.Figure, r.Case, r.Suture, r.Baseline, r.Field, r.Goal, r.Verdict })];
        int[] width = [.. Enumerable.Range(0, head.Length).Select(c => cells.Max(r => r[c].Length))];
        var text = new StringBuilder();
        for (int i = 0; i < cells.Count; i++)
        {
            text.Append('|');
            for (int c = 0; c < head.Length; c++)
            {
                text.Append(' ').Append(cells[i][c].PadRight(width[c])).Append(" |");
            }

            text.Append('\n');
            if (i == 0)
            {
                text.Append('|');
                foreach (int w in width)
                {
                    text.Append(' ').Append(new string('-', w)).Append(" |");
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    public void WriteJson(string path, JsonObject machine, JsonObject config, DateTimeOffset started)
    {
        var root = new JsonObject
        {
            ["date"] = started.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["duration_s"] = Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds, 1),
            ["machine"] = machine,
            ["config"] = config,
            ["results"] = Results,
            ["failures"] = new JsonArray([.. Failures.Select(f => (JsonNode?)JsonValue.Create(f))]),
        };
        var rowsJson = new JsonArray();
        foreach (Row r in rows)
        {
            rowsJson.Add((JsonNode)new JsonObject
            {
                ["figure"] = r.Figure,
                ["case"] = r.Case,
                ["suture"] = r.Suture,
                ["baseline"] = r.Baseline,
                ["field"] = r.Field,
                ["goal"] = r.Goal,
                ["verdict"] = r.Verdict,
            });
        }

        root["table"] = rowsJson;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(tmp, path, overwrite: true);
    }
}
