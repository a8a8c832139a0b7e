using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server.Data.Entities;

namespace Suture.Server.Reports;

/// <summary>The reports, computed from <see cref="ReportData"/> (docs/server.md#reports).</summary>
internal static class Reports
{
    private static readonly string[] FailureOutcomes = ["failed", "busy"];

    public static HostReportRow HostRow(ReportData d, ManagedHost h, DateTimeOffset silentBefore)
    {
        List<HostObject> objects = d.ObjectsOf(h);
        IReadOnlyList<HostResult> results = d.ResultsOf(h);
        return new HostReportRow(
            h.Id, h.Hostname, h.Feed.Name, [.. h.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal)], h.Registered, h.LastCheckIn,
            (h.LastCheckIn ?? h.Registered) < silentBefore,
            objects.Count,
            objects.SelectMany(o => o.Processes).Select(p => p.Pid).Distinct().Count(),
            objects.SelectMany(o => o.Processes).Where(p => p.Level > 0).Select(p => p.Pid).Distinct().Count(),
            results.Count(r => FailureOutcomes.Contains(r.Outcome)),
            results.Count(r => r.Outcome == "crashed"),
            h.AgentVersion);
    }

    public static HostReport HostDetail(ReportData d, ManagedHost h, DateTimeOffset silentBefore)
    {
        IReadOnlyList<HostResult> results = d.ResultsOf(h);
        return new HostReport(
            HostRow(d, h, silentBefore),
            [.. d.ObjectsOf(h).OrderBy(o => o.BuildId, StringComparer.Ordinal).ThenBy(o => o.Path, StringComparer.Ordinal).Select(o => new InventoryObject(
                o.BuildId, o.Path, o.Package, o.Version, [.. o.Processes.OrderBy(p => p.Pid).Select(p => new InventoryProcess(p.Pid, p.Command, p.Level, p.PatchId))]))],
            [.. results.Where(r => FailureOutcomes.Contains(r.Outcome)).Select(r => Result(r, h))],
            [.. results.Where(r => r.Outcome == "crashed").Select(r => Result(r, h))]);
    }

    public static IReadOnlyList<CveSummary> CveSummaries(ReportData d)
    {
        Coverage coverage = Coverage.From(d);
        return [.. coverage.Cves.Select(c => Cve(d, coverage, c).Summary)];
    }

    /// <summary>A CVE's coverage, judged by <see cref="Coverage"/> as the web UI judges it.</summary>
    public static CveReport Cve(ReportData d, string cve) => Cve(d, Coverage.From(d), cve);

    private static CveReport Cve(ReportData d, Coverage coverage, string cve)
    {
        var rows = new List<CveHostRow>();
        foreach (ManagedHost h in d.Hosts)
        {
            (IReadOnlyList<int> fixedPids, IReadOnlyList<int> vulnerable) = coverage.Pids(h.Id, cve);
            rows.Add(new CveHostRow(h.Id, h.Hostname, h.Feed.Name, Coverage.ToReport(coverage.StateOf(h.Id, cve)), fixedPids, vulnerable));
        }

        CveCoverage counts = coverage.Of(cve);
        return new CveReport(
            new CveSummary(
                cve, counts.Fixed, counts.Partial, counts.Vulnerable, counts.NotAffected,
                [.. d.Patches.Where(p => p.Cves.Any(c => c.Cve == cve)).Select(p => p.Sha256)],
                counts.Unknown),
            rows);
    }

    public static IReadOnlyList<PatchReportRow> PatchRows(ReportData d) => [.. d.Patches.Select(p => Patch(d, p).Summary)];

    public static PatchReport Patch(ReportData d, Patch patch)
    {
        var rows = new List<PatchProcessRow>();
        foreach (ManagedHost h in d.Hosts)
        {
            foreach (HostObject o in d.ObjectsOf(h).Where(o => o.BuildId == patch.BuildId))
            {
                foreach (HostProcess p in o.Processes.OrderBy(p => p.Pid))
                {
                    HostResult? last = d.ResultsOf(h).LastOrDefault(r => r.Pid == p.Pid && r.PatchSha256 == patch.Sha256);
                    (PatchProcessState state, string? reason) =
                        p.Level >= patch.Level ? (PatchProcessState.Applied, (string?)null)
                        : last is not null && last.Outcome != "succeeded" ? (PatchProcessState.Failed, (string?)$"{last.Action} {last.Outcome}: {last.Message}")
                        : d.Enabled.Contains((h.FeedId, patch.Id)) ? (PatchProcessState.Pending, null)
                        : (PatchProcessState.NotOffered, null);
                    rows.Add(new PatchProcessRow(h.Id, h.Hostname, h.Feed.Name, p.Pid, p.Command, p.Level, state, reason));
                }
            }
        }

        return new PatchReport(
            new PatchReportRow(
                patch.Sha256, patch.PatchId, patch.BuildId, patch.Level, [.. patch.Cves.Select(c => c.Cve).Order(StringComparer.Ordinal)],
                rows.Select(r => r.HostId).Distinct().Count(),
                rows.Count(r => r.State == PatchProcessState.Applied),
                rows.Count(r => r.State == PatchProcessState.Failed),
                rows.Count(r => r.State == PatchProcessState.Pending),
                rows.Count(r => r.State == PatchProcessState.NotOffered)),
            rows);
    }

    private static ResultReport Result(HostResult r, ManagedHost h) => new(h.Id, h.Hostname, r.PatchSha256, r.BuildId, r.Pid, r.Action, r.Outcome, r.Message, r.At);
}
