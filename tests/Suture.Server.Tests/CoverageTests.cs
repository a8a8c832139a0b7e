using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server.Reports;

namespace Suture.Server.Tests;

/// <summary>The web UI's coverage and the CVE reports come from one computation (<see cref="Coverage"/>) and agree on every host.</summary>
public abstract class CoverageTests(Database database)
{
    private const string OtherBuildId = "fedcba9876543210fedcba9876543210fedcba98";

    [Fact]
    public async Task The_web_ui_and_the_reports_judge_every_host_and_cve_alike()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        await s.UploadAsync(Fleet.Patch(1, cves: ["CVE-2026-1000"]));
        await s.UploadAsync(Fleet.Patch(2, cves: ["CVE-2026-1000", "CVE-2026-2000"]));
        (RegistrationResponse beyond, HttpClient a) = await s.HostAsync("production", "a-beyond");
        (RegistrationResponse partial, HttpClient b) = await s.HostAsync("production", "b-partial");
        (RegistrationResponse vulnerable, HttpClient c) = await s.HostAsync("production", "c-vulnerable");
        (RegistrationResponse other, HttpClient d) = await s.HostAsync("production", "d-other");
        (RegistrationResponse silent, _) = await s.HostAsync("production", "e-never-checked-in");
        await a.CheckInAsync(Fleet.Inventory((100, 3), (101, 2))); // level 3 has no patch here; levels are cumulative, so it has both fixes
        await b.CheckInAsync(Fleet.Inventory((200, 1), (201, 0)));
        await c.CheckInAsync(Fleet.Inventory((300, 0)));
        await d.CheckInAsync([new InventoryObject(OtherBuildId, "/usr/bin/other", null, null, [new InventoryProcess(400, "other", 0, null)])]);

        Coverage web = null!;
        IReadOnlyList<CveSummary> computed = null!;
        await s.WithDatabaseAsync(async db =>
        {
            web = await Coverage.LoadAsync(db, CancellationToken.None);
            computed = Suture.Server.Reports.Reports.CveSummaries(await ReportData.LoadAsync(db, null, CancellationToken.None));
        });
        IReadOnlyList<CveSummary> served = await (await s.Admin.GetAsync("/api/v1/reports/cves")).ReadAsync<IReadOnlyList<CveSummary>>();

        Assert.Equivalent(computed, served, strict: true);
        Assert.Equal(["CVE-2026-1000", "CVE-2026-2000"], served.Select(x => x.Cve));
        Assert.Equal((1, 1, 1, 1, 1), (served[0].Fixed, served[0].PartiallyFixed, served[0].Vulnerable, served[0].NotAffected, served[0].NotReported));
        Assert.Equal((1, 0, 2, 1, 1), (served[1].Fixed, served[1].PartiallyFixed, served[1].Vulnerable, served[1].NotAffected, served[1].NotReported));
        foreach (CveSummary summary in served)
        {
            CveCoverage counts = web.Of(summary.Cve);
            Assert.Equal((counts.Fixed, counts.Partial, counts.Vulnerable, counts.NotAffected, counts.Unknown), (summary.Fixed, summary.PartiallyFixed, summary.Vulnerable, summary.NotAffected, summary.NotReported));
            CveReport report = await (await s.Admin.GetAsync($"/api/v1/reports/cves/{summary.Cve}")).ReadAsync<CveReport>();
            Assert.Equal(5, report.Hosts.Count);
            foreach (CveHostRow h in report.Hosts)
            {
                Assert.Equal(Coverage.ToReport(web.StateOf(h.HostId, summary.Cve)), h.State);
            }
        }

        CveReport first = await (await s.Admin.GetAsync("/api/v1/reports/cves/CVE-2026-1000")).ReadAsync<CveReport>();
        Assert.Equal([100, 101], first.Hosts.Single(h => h.HostId == beyond.HostId).FixedPids);
        Assert.Equal(CveHostState.NotReported, first.Hosts.Single(h => h.HostId == silent.HostId).State);
        Assert.Equal(CveHostState.NotAffected, first.Hosts.Single(h => h.HostId == other.HostId).State);
        Assert.Equal((CveHostState.PartiallyFixed, CveHostState.Vulnerable), (first.Hosts.Single(h => h.HostId == partial.HostId).State, first.Hosts.Single(h => h.HostId == vulnerable.HostId).State));
        string csv = await (await s.Admin.GetAsync("/api/v1/reports/cves?format=csv")).Content.ReadAsStringAsync();
        Assert.StartsWith("cve,fixed,partiallyFixed,vulnerable,notAffected,patches,notReported\r\n", csv);
    }
}

public sealed class CoverageTestsOnSqlite() : CoverageTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class CoverageTestsOnPostgres(PostgresCluster cluster) : CoverageTests(new PostgresDatabase(cluster));
