using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server.Reports;

namespace Suture.Server.Tests;

/// <summary>Reports per host, CVE and patch, and silent hosts, in JSON and CSV, from real check-ins.</summary>
public abstract class ReportTests(Database database)
{
    private const string OtherBuildId = "fedcba9876543210fedcba9876543210fedcba98";

    [Fact]
    public async Task Cve_and_patch_reports_follow_what_the_hosts_run_and_report()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        PatchInfo one = await s.UploadAsync(Fleet.Patch(1, cves: ["CVE-2026-1000"]));
        PatchInfo two = await s.UploadAsync(Fleet.Patch(2, cves: ["CVE-2026-1000", "CVE-2026-2000"]));
        await s.DeployAsync("production", one.Sha256, "enable");
        (RegistrationResponse fixedHost, HttpClient a) = await s.HostAsync("production", "a-fixed");
        (RegistrationResponse partial, HttpClient b) = await s.HostAsync("production", "b-partial");
        (RegistrationResponse vulnerable, HttpClient c) = await s.HostAsync("production", "c-vulnerable");
        (RegistrationResponse other, HttpClient d) = await s.HostAsync("production", "=HYPERLINK(\"x\")");
        await a.CheckInAsync(Fleet.Inventory((100, 2), (101, 1)));
        await b.CheckInAsync(Fleet.Inventory((200, 1), (201, 0)), results: [Result(201, one.Sha256, ResultOutcome.Crashed, "SIGSEGV after apply")]);
        await c.CheckInAsync(Fleet.Inventory((300, 0)), results: [Result(300, one.Sha256, ResultOutcome.Busy, "thread 301 kept running parse")]);
        await d.CheckInAsync([new InventoryObject(OtherBuildId, "/usr/bin/other", null, null, [new InventoryProcess(400, "other", 0, null)])]);

        CveReport cve = await (await s.Admin.GetAsync("/api/v1/reports/cves/CVE-2026-1000")).ReadAsync<CveReport>();
        Assert.Equal(("CVE-2026-1000", 1, 1, 1, 1), (cve.Summary.Cve, cve.Summary.Fixed, cve.Summary.PartiallyFixed, cve.Summary.Vulnerable, cve.Summary.NotAffected));
        Assert.Equal([one.Sha256, two.Sha256], cve.Summary.Patches);
        Assert.Equal(
            [(fixedHost.HostId, CveHostState.Fixed), (partial.HostId, CveHostState.PartiallyFixed), (vulnerable.HostId, CveHostState.Vulnerable), (other.HostId, CveHostState.NotAffected)],
            cve.Hosts.Select(h => (h.HostId, h.State)).OrderBy(h => h.State));
        CveHostRow b2 = cve.Hosts.Single(h => h.HostId == partial.HostId);
        Assert.Equal([200], b2.FixedPids);
        Assert.Equal([201], b2.VulnerablePids);

        // CVE-2026-2000 is fixed only by level 2: host a's pid 101 at level 1 does not run it.
        IReadOnlyList<CveSummary> cves = await (await s.Admin.GetAsync("/api/v1/reports/cves")).ReadAsync<IReadOnlyList<CveSummary>>();
        Assert.Equal(["CVE-2026-1000", "CVE-2026-2000"], cves.Select(x => x.Cve));
        Assert.Equal((0, 1, 2, 1), (cves[1].Fixed, cves[1].PartiallyFixed, cves[1].Vulnerable, cves[1].NotAffected));

        PatchReport patch = await (await s.Admin.GetAsync($"/api/v1/reports/patches/{one.Sha256}")).ReadAsync<PatchReport>();
        Assert.Equal((3, 3, 2, 0, 0), (patch.Summary.Hosts, patch.Summary.Applied, patch.Summary.Failed, patch.Summary.Pending, patch.Summary.NotOffered));
        Assert.Equal("apply busy: thread 301 kept running parse", patch.Processes.Single(p => p.Pid == 300).Reason);
        Assert.Equal(PatchProcessState.Failed, patch.Processes.Single(p => p.Pid == 201).State);
        PatchReport level2 = await (await s.Admin.GetAsync($"/api/v1/reports/patches/{two.Sha256}")).ReadAsync<PatchReport>();
        Assert.Equal((1, 0, 0, 4), (level2.Summary.Applied, level2.Summary.Failed, level2.Summary.Pending, level2.Summary.NotOffered));
        await s.DeployAsync("production", two.Sha256, "enable");
        level2 = await (await s.Admin.GetAsync($"/api/v1/reports/patches/{two.Sha256}")).ReadAsync<PatchReport>();
        Assert.Equal((1, 0, 4, 0), (level2.Summary.Applied, level2.Summary.Failed, level2.Summary.Pending, level2.Summary.NotOffered));
        Assert.Equal(2, (await (await s.Admin.GetAsync("/api/v1/reports/patches")).ReadAsync<IReadOnlyList<PatchReportRow>>()).Count);

        HostReport host = await (await s.Admin.GetAsync($"/api/v1/reports/hosts/{partial.HostId}")).ReadAsync<HostReport>();
        Assert.Equal((1, 2, 1, 0, 1), (host.Host.Objects, host.Host.Processes, host.Host.PatchedProcesses, host.Host.Failures, host.Host.Crashes));
        Assert.Equal("SIGSEGV after apply", Assert.Single(host.Crashes).Message);
        Assert.Equal([200, 201], Assert.Single(host.Objects).Processes.Select(p => p.Pid));
        Assert.Equal(1, (await (await s.Admin.GetAsync($"/api/v1/reports/hosts/{vulnerable.HostId}")).ReadAsync<HostReport>()).Host.Failures);
        await (await s.Admin.GetAsync("/api/v1/reports/hosts/nope")).ProblemAsync(404);
        await (await s.Admin.GetAsync("/api/v1/reports/cves/CVE-1999-0001")).ProblemAsync(404);
        Assert.Equal(ProblemTypes.Validation, (await (await s.Admin.GetAsync("/api/v1/reports/cves?format=xml")).ProblemAsync(400)).Type);
    }

    [Fact]
    public async Task Silent_hosts_and_csv_answers()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        PatchInfo one = await s.UploadAsync(Fleet.Patch(1));
        (RegistrationResponse quiet, HttpClient a) = await s.HostAsync("production", "quiet");
        (RegistrationResponse chatty, HttpClient b) = await s.HostAsync("production", "=cmd|' /C calc'!A0");
        await a.CheckInAsync(Fleet.Inventory((10, 0)));
        await b.CheckInAsync(Fleet.Inventory((20, 1)));

        s.Time.Advance(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1)); // 3 intervals of 3600 s
        await b.CheckInAsync(Fleet.Inventory((20, 1)));

        HostReportRow silent = Assert.Single(await (await s.Admin.GetAsync("/api/v1/reports/silent")).ReadAsync<IReadOnlyList<HostReportRow>>());
        Assert.Equal(quiet.HostId, silent.Id);
        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/reports/silent?intervals=4")).ReadAsync<IReadOnlyList<HostReportRow>>());
        Assert.Equal([true, false], (await (await s.Admin.GetAsync("/api/v1/reports/hosts")).ReadAsync<IReadOnlyList<HostReportRow>>()).OrderBy(h => h.Hostname != "quiet").Select(h => h.Silent));

        HttpResponseMessage csv = await s.Admin.GetAsync("/api/v1/reports/hosts?format=csv");
        string text = await csv.Content.ReadAsStringAsync();
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        string[] lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("id,hostname,feed,tags,registered,lastCheckIn,silent,", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"{chatty.HostId},'=cmd|' /C calc'!A0,production,role=web,", StringComparison.Ordinal));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/patches/{one.Sha256}");
        request.Headers.Accept.ParseAdd("text/csv");
        string patchCsv = await (await s.Admin.SendAsync(request)).Content.ReadAsStringAsync();
        string[] patchLines = patchCsv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sha256,hostId,hostname,feed,pid,command,level,state,reason", patchLines[0]);
        Assert.Contains($"{one.Sha256},{quiet.HostId},quiet,production,10,demo,0,not-offered,", patchLines);
        string cveCsv = await (await s.Admin.GetAsync("/api/v1/reports/cves/CVE-2026-0001?format=csv")).Content.ReadAsStringAsync();
        Assert.Contains($"CVE-2026-0001,{quiet.HostId},quiet,production,vulnerable,,10\r\n", cveCsv);
    }

    [Fact]
    public async Task Long_json_reports_come_in_pages_that_link_to_the_next_and_csv_comes_whole()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        PatchInfo one = await s.UploadAsync(Fleet.Patch(1));
        for (int i = 0; i < 5; i++)
        {
            (RegistrationResponse _, HttpClient host) = await s.HostAsync("production", $"web-{i}");
            await host.CheckInAsync(Fleet.Inventory((100 + i, 0), (200 + i, 0)));
        }

        IReadOnlyList<HostReportRow> all = await (await s.Admin.GetAsync("/api/v1/reports/hosts")).ReadAsync<IReadOnlyList<HostReportRow>>();
        var paged = new List<HostReportRow>();
        var pages = new List<string>();
        for (string? next = "/api/v1/reports/hosts?intervals=3&limit=2"; next is not null;)
        {
            pages.Add(next);
            HttpResponseMessage page = await s.Admin.GetAsync(next);
            Assert.Equal("5", string.Join(",", page.Headers.GetValues("Suture-Total-Count")));
            paged.AddRange(await page.ReadAsync<IReadOnlyList<HostReportRow>>());
            next = page.Headers.TryGetValues("Link", out var link) ? System.Text.RegularExpressions.Regex.Match(string.Join(",", link), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value : null;
        }

        Assert.Equal(5, all.Count);
        Assert.Equal(["/api/v1/reports/hosts?intervals=3&limit=2", "/api/v1/reports/hosts?intervals=3&offset=2&limit=2", "/api/v1/reports/hosts?intervals=3&offset=4&limit=2"], pages);
        Assert.Equal(all.Select(h => h.Id), paged.Select(h => h.Id));
        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/reports/hosts?offset=5")).ReadAsync<IReadOnlyList<HostReportRow>>());
        PatchReport patchPage = await (await s.Admin.GetAsync($"/api/v1/reports/patches/{one.Sha256}?offset=9&limit=3")).ReadAsync<PatchReport>();
        Assert.Equal((10, 1), (patchPage.Summary.NotOffered, patchPage.Processes.Count));
        CveReport cvePage = await (await s.Admin.GetAsync("/api/v1/reports/cves/CVE-2026-0001?limit=1")).ReadAsync<CveReport>();
        Assert.Equal((5, 1), (cvePage.Summary.Vulnerable, cvePage.Hosts.Count));
        foreach (string bad in new[] { "limit=0", "limit=10001", "offset=-1" })
        {
            ProblemResponse problem = await (await s.Admin.GetAsync($"/api/v1/reports/hosts?{bad}")).ProblemAsync(400);
            Assert.Equal(ProblemTypes.Validation, problem.Type);
        }

        string csv = await (await s.Admin.GetAsync("/api/v1/reports/hosts?format=csv&limit=2")).Content.ReadAsStringAsync();
        Assert.Equal(6, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        // The CSV is streamed in chunks of hosts read from one snapshot: in chunks of 2, every host
        // once, in the report's order.
        ReportEndpoints.CsvChunk = 2;
        try
        {
            string chunked = await (await s.Admin.GetAsync("/api/v1/reports/hosts?format=csv")).Content.ReadAsStringAsync();
            Assert.Equal(csv, chunked);
            Assert.Equal(all.Select(h => h.Id), chunked.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]));
        }
        finally
        {
            ReportEndpoints.CsvChunk = 1000;
        }
    }

    private static ProcessResult Result(int pid, string sha256, ResultOutcome outcome, string message) =>
        new(Guid.NewGuid(), sha256, Fleet.BuildId, pid, ResultAction.Apply, outcome, message, new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.Zero));
}

public sealed class ReportTestsOnSqlite() : ReportTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class ReportTestsOnPostgres(PostgresCluster cluster) : ReportTests(new PostgresDatabase(cluster));
