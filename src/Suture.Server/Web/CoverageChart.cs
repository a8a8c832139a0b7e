using System.Globalization;
using Suture.Server.Reports;

namespace Suture.Server.Web;

/// <summary>
/// The overview's chart as geometry for inline SVG: one bar per CVE, as wide as the fleet, split
/// into fixed, partly fixed, vulnerable, not affected and unreported hosts. No script draws it, so
/// it passes the CSP and shows the same in every browser and in a printout.
/// </summary>
internal sealed class CoverageChart
{
    public const int MaxBars = 20;
    public const double LabelWidth = 150;
    public const double BarWidth = 560;
    public const double RowHeight = 26;
    public const double BarHeight = 18;

    private static readonly CveState[] Order = [CveState.Fixed, CveState.Partial, CveState.Vulnerable, CveState.NotAffected, CveState.Unknown];

    public CoverageChart(IReadOnlyList<CveCoverage> cves)
    {
        Rows = [.. cves.Take(MaxBars).Select((c, i) => new Row(c, i * RowHeight, Segments(c)))];
        Omitted = Math.Max(0, cves.Count - MaxBars);
    }

    public IReadOnlyList<Row> Rows { get; }

    /// <summary>CVEs beyond <see cref="MaxBars"/>, listed in the table only.</summary>
    public int Omitted { get; }

    public static double Width => LabelWidth + BarWidth + 50;

    public double Height => Math.Max(1, Rows.Count) * RowHeight;

    public static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static List<Segment> Segments(CveCoverage c)
    {
        var segments = new List<Segment>();
        double x = LabelWidth;
        foreach (CveState state in Order)
        {
            int n = c.Count(state);
            if (n == 0 || c.Hosts == 0)
            {
                continue;
            }

            double w = BarWidth * n / c.Hosts;
            segments.Add(new Segment(state, x, w, n));
            x += w;
        }

        return segments;
    }

    public sealed record Row(CveCoverage Cve, double Y, IReadOnlyList<Segment> Segments)
    {
        public string Percent => Cve.Fixed + Cve.Partial + Cve.Vulnerable is int affected and > 0 ? F(Math.Floor(100.0 * Cve.Fixed / affected)) + "%" : "n/a";
    }

    public sealed record Segment(CveState State, double X, double Width, int Hosts)
    {
        public string Title => $"{Hosts} host{(Hosts == 1 ? "" : "s")} {CveStateView.Label(State)}";
    }
}
