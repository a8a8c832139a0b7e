using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server.Auth;
using Suture.Server.Configuration;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Problems;

namespace Suture.Server.Reports;

/// <summary>
/// Reports (any user): per host, per CVE, per patch, silent hosts; JSON by default, CSV with
/// <c>?format=csv</c> or <c>Accept: text/csv</c>. Read-only, computed at each request from the
/// database. The host reports (all hosts, silent hosts) page in the database and stream their CSV;
/// the others are computed whole (their counts need every host) and cut into pages.
/// </summary>
internal static class ReportEndpoints
{
    public const int DefaultSilentIntervals = 3;

    /// <summary>Hosts read at a time for a streamed host CSV (a test makes it small to cross chunks with a few hosts; the output is the same).</summary>
    internal static int CsvChunk { get; set; } = 1000;

    private const string CsvType = "text/csv; charset=utf-8";

    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder reports = api.MapGroup("/reports").RequireAuthorization(Roles.ReadPolicy).WithTags("Reports");
        reports.MapGet("/hosts", HostsAsync).Produces(200, contentType: "text/csv");
        reports.MapGet("/hosts/{id}", HostAsync).Produces(200, contentType: "text/csv");
        reports.MapGet("/silent", SilentAsync).Produces(200, contentType: "text/csv");
        reports.MapGet("/cves", CvesAsync).Produces(200, contentType: "text/csv");
        reports.MapGet("/cves/{cve}", CveAsync).Produces(200, contentType: "text/csv");
        reports.MapGet("/patches", PatchesAsync).Produces(200, contentType: "text/csv");
        reports.MapGet("/patches/{sha256}", PatchAsync).Produces(200, contentType: "text/csv");
    }

    /// <param name="intervals">A host is silent after this many check-in intervals without a check-in (default 3).</param>
    /// <param name="offset">JSON: the first row of the page (0).</param>
    /// <param name="limit">JSON: rows a page, at most 10000 (1000).</param>
    private static async Task<Results<Ok<IReadOnlyList<HostReportRow>>, PushStreamHttpResult, ProblemHttpResult>> HostsAsync(
        ServerDb db, ServerSettings settings, TimeProvider time, HttpContext http, string? format, int? intervals, int? offset, int? limit, CancellationToken ct)
    {
        if ((Check(format, intervals) ?? Paging.Check(offset, limit)) is { } invalid)
        {
            return invalid;
        }

        IQueryable<ManagedHost> hosts = db.Hosts.AsNoTracking().OrderBy(h => h.Hostname).ThenBy(h => h.Id);
        return await HostRowsAsync(db, http, hosts, SilentBefore(settings, time, intervals), format, offset, limit, "hosts", ct);
    }

    private static async Task<Results<Ok<IReadOnlyList<HostReportRow>>, PushStreamHttpResult, ProblemHttpResult>> SilentAsync(
        ServerDb db, ServerSettings settings, TimeProvider time, HttpContext http, string? format, int? intervals, int? offset, int? limit, CancellationToken ct)
    {
        if ((Check(format, intervals) ?? Paging.Check(offset, limit)) is { } invalid)
        {
            return invalid;
        }

        DateTimeOffset before = SilentBefore(settings, time, intervals);
        IQueryable<ManagedHost> silent = db.Hosts.AsNoTracking().Where(h => (h.LastCheckIn ?? h.Registered) < before)
            .OrderBy(h => h.LastCheckIn ?? h.Registered).ThenBy(h => h.Hostname).ThenBy(h => h.Id);
        return await HostRowsAsync(db, http, silent, before, format, offset, limit, "silent-hosts", ct);
    }

    /// <summary>
    /// Host rows in the order <paramref name="hosts"/> gives, paged in the database (the page's ids,
    /// then those hosts' rows: <see cref="ReportData.LoadHostsAsync"/>); CSV is streamed, read in
    /// chunks of <see cref="CsvChunk"/> hosts, all of one snapshot.
    /// </summary>
    private static async Task<Results<Ok<IReadOnlyList<HostReportRow>>, PushStreamHttpResult, ProblemHttpResult>> HostRowsAsync(
        ServerDb db, HttpContext http, IQueryable<ManagedHost> hosts, DateTimeOffset before, string? format, int? offset, int? limit, string name, CancellationToken ct)
    {
        if (Csv(http, format))
        {
            return TypedResults.Stream(body => HostCsvAsync(db, hosts, before, body, http.RequestAborted), CsvType, $"{name}.csv");
        }

        await using ReadSnapshot snapshot = await ReadSnapshot.BeginAsync(db, ct);
        (int from, int take) = Paging.Headers(http, await hosts.CountAsync(ct), offset, limit);
        List<string> ids = await hosts.Select(h => h.Id).Skip(from).Take(take).ToListAsync(ct);
        ReportData d = await ReportData.LoadHostsAsync(db, ids, ct);
        return TypedResults.Ok<IReadOnlyList<HostReportRow>>([.. d.Hosts.Select(h => Reports.HostRow(d, h, before))]);
    }

    private static async Task HostCsvAsync(ServerDb db, IQueryable<ManagedHost> hosts, DateTimeOffset before, Stream body, CancellationToken ct)
    {
        await using ReadSnapshot snapshot = await ReadSnapshot.BeginAsync(db, ct);
        List<string> ids = await hosts.Select(h => h.Id).ToListAsync(ct);
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
        await writer.WriteAsync(global::Suture.Server.Reports.Csv.Line(HostCsvHeader));
        foreach (string[] chunk in ids.Chunk(CsvChunk))
        {
            ReportData d = await ReportData.LoadHostsAsync(db, chunk, ct);
            foreach (ManagedHost h in d.Hosts)
            {
                await writer.WriteAsync(global::Suture.Server.Reports.Csv.Line(HostCsvFields(Reports.HostRow(d, h, before))));
            }

            await writer.FlushAsync(ct);
        }
    }

    private static async Task<Results<Ok<HostReport>, ContentHttpResult, ProblemHttpResult>> HostAsync(
        string id, ServerDb db, ServerSettings settings, TimeProvider time, HttpContext http, string? format, int? intervals, CancellationToken ct)
    {
        if (Check(format, intervals) is { } invalid)
        {
            return invalid;
        }

        ReportData d = await ReportData.LoadAsync(db, id, ct);
        if (d.Hosts.SingleOrDefault() is not { } host)
        {
            return Problem.NotFound($"host {id}: no such host");
        }

        HostReport report = Reports.HostDetail(d, host, SilentBefore(settings, time, intervals));
        if (!Csv(http, format))
        {
            return TypedResults.Ok(report);
        }

        var csv = new Csv("hostId", "hostname", "buildId", "path", "package", "version", "pid", "command", "level", "patchId");
        foreach (InventoryObject o in report.Objects)
        {
            foreach (InventoryProcess p in o.Processes)
            {
                csv.Row(host.Id, host.Hostname, o.BuildId, o.Path, o.Package, o.Version, p.Pid, p.Command, p.Level, p.PatchId);
            }
        }

        return CsvFile(http, csv, $"host-{host.Id}");
    }

    private static async Task<Results<Ok<IReadOnlyList<CveSummary>>, ContentHttpResult, ProblemHttpResult>> CvesAsync(
        ServerDb db, HttpContext http, string? format, CancellationToken ct)
    {
        if (Check(format, null) is { } invalid)
        {
            return invalid;
        }

        IReadOnlyList<CveSummary> rows = Reports.CveSummaries(await ReportData.LoadAsync(db, null, ct));
        if (!Csv(http, format))
        {
            return TypedResults.Ok(rows);
        }

        var csv = new Csv("cve", "fixed", "partiallyFixed", "vulnerable", "notAffected", "patches", "notReported");
        foreach (CveSummary r in rows)
        {
            csv.Row(r.Cve, r.Fixed, r.PartiallyFixed, r.Vulnerable, r.NotAffected, r.Patches, r.NotReported);
        }

        return CsvFile(http, csv, "cves");
    }

    private static async Task<Results<Ok<CveReport>, ContentHttpResult, ProblemHttpResult>> CveAsync(
        string cve, ServerDb db, HttpContext http, string? format, int? offset, int? limit, CancellationToken ct)
    {
        if ((Check(format, null) ?? Paging.Check(offset, limit)) is { } invalid)
        {
            return invalid;
        }

        ReportData d = await ReportData.LoadAsync(db, null, ct);
        if (!d.Patches.Any(p => p.Cves.Any(c => c.Cve == cve)))
        {
            return Problem.NotFound($"CVE {cve}: no uploaded patch names it (GET /api/v1/reports/cves lists those that do)");
        }

        CveReport report = Reports.Cve(d, cve);
        if (!Csv(http, format))
        {
            return TypedResults.Ok(report with { Hosts = Paging.Page(http, report.Hosts, offset, limit) });
        }

        var csv = new Csv("cve", "hostId", "hostname", "feed", "state", "fixedPids", "vulnerablePids");
        foreach (CveHostRow r in report.Hosts)
        {
            csv.Row(cve, r.HostId, r.Hostname, r.Feed, Name(r.State), r.FixedPids, r.VulnerablePids);
        }

        return CsvFile(http, csv, cve);
    }

    private static async Task<Results<Ok<IReadOnlyList<PatchReportRow>>, ContentHttpResult, ProblemHttpResult>> PatchesAsync(
        ServerDb db, HttpContext http, string? format, CancellationToken ct)
    {
        if (Check(format, null) is { } invalid)
        {
            return invalid;
        }

        IReadOnlyList<PatchReportRow> rows = Reports.PatchRows(await ReportData.LoadAsync(db, null, ct));
        if (!Csv(http, format))
        {
            return TypedResults.Ok(rows);
        }

        var csv = new Csv("sha256", "id", "buildId", "level", "cves", "hosts", "applied", "failed", "pending", "notOffered");
        foreach (PatchReportRow r in rows)
        {
            csv.Row(r.Sha256, r.Id, r.BuildId, r.Level, r.Cves, r.Hosts, r.Applied, r.Failed, r.Pending, r.NotOffered);
        }

        return CsvFile(http, csv, "patches");
    }

    private static async Task<Results<Ok<PatchReport>, ContentHttpResult, ProblemHttpResult>> PatchAsync(
        string sha256, ServerDb db, HttpContext http, string? format, int? offset, int? limit, CancellationToken ct)
    {
        if ((Check(format, null) ?? Paging.Check(offset, limit)) is { } invalid)
        {
            return invalid;
        }

        ReportData d = await ReportData.LoadAsync(db, null, ct);
        if (d.Patches.FirstOrDefault(p => p.Sha256 == sha256) is not Patch patch)
        {
            return Problem.NotFound($"patch {sha256}: no such patch (patches are named by the SHA-256 of their file)");
        }

        PatchReport report = Reports.Patch(d, patch);
        if (!Csv(http, format))
        {
            return TypedResults.Ok(report with { Processes = Paging.Page(http, report.Processes, offset, limit) });
        }

        var csv = new Csv("sha256", "hostId", "hostname", "feed", "pid", "command", "level", "state", "reason");
        foreach (PatchProcessRow r in report.Processes)
        {
            csv.Row(sha256, r.HostId, r.Hostname, r.Feed, r.Pid, r.Command, r.Level, Name(r.State), r.Reason);
        }

        return CsvFile(http, csv, $"patch-{sha256[..12]}");
    }

    private static readonly string[] HostCsvHeader =
        ["id", "hostname", "feed", "tags", "registered", "lastCheckIn", "silent", "objects", "processes", "patchedProcesses", "failures", "crashes", "agentVersion"];

    private static object?[] HostCsvFields(HostReportRow r) =>
        [r.Id, r.Hostname, r.Feed, r.Tags, r.Registered, r.LastCheckIn, r.Silent, r.Objects, r.Processes, r.PatchedProcesses, r.Failures, r.Crashes, r.AgentVersion];

    private static ProblemHttpResult? Check(string? format, int? intervals) =>
        format is not (null or "json" or "csv") ? Problem.Invalid($"format: '{format}' is not json or csv")
        : intervals is < 1 or > 1000 ? Problem.Invalid($"intervals: {intervals} is not from 1 to 1000")
        : null;

    private static bool Csv(HttpContext http, string? format) =>
        format == "csv" || (format is null && http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)));

    private static DateTimeOffset SilentBefore(ServerSettings settings, TimeProvider time, int? intervals) =>
        time.GetUtcNow().AddSeconds(-(double)settings.CheckInIntervalSeconds * (intervals ?? DefaultSilentIntervals));

    private static ContentHttpResult CsvFile(HttpContext http, Csv csv, string name)
    {
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.csv\"";
        return TypedResults.Content(csv.ToString(), CsvType, Encoding.UTF8);
    }

    private static string Name<T>(T value)
        where T : struct, Enum =>
        System.Text.Json.JsonSerializer.Serialize(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ProtocolJsonContext.Default.GetTypeInfo(typeof(T))!).Trim('"');
}
