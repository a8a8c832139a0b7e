using Microsoft.EntityFrameworkCore;
using Suture.Server.Configuration;
using Suture.Server.Data;
using Suture.Server.Reports;

namespace Suture.Server.Web.Pages;

/// <summary>The fleet at a glance: counts, and coverage per CVE as a chart and a table.</summary>
internal sealed class IndexModel(ServerDb db, ServerSettings settings, TimeProvider time) : WebPage(time)
{
    /// <summary>A host is silent after missing this many check-ins.</summary>
    public const int SilentIntervals = 3;

    public int Hosts { get; private set; }

    public int Silent { get; private set; }

    public int Feeds { get; private set; }

    public int Patches { get; private set; }

    public IReadOnlyList<CveCoverage> Cves { get; private set; } = [];

    public CoverageChart Chart { get; private set; } = new([]);

    public async Task OnGetAsync()
    {
        CancellationToken ct = HttpContext.RequestAborted;
        DateTimeOffset silentBefore = SilentSince(Now, settings);
        Hosts = await db.Hosts.CountAsync(ct);
        Silent = await db.Hosts.CountAsync(h => h.LastCheckIn == null || h.LastCheckIn < silentBefore, ct);
        Feeds = await db.Feeds.CountAsync(ct);
        Patches = await db.Patches.CountAsync(ct);
        Cves = (await Coverage.LoadAsync(db, ct)).All();
        Chart = new CoverageChart(Cves);
    }

    public static DateTimeOffset SilentSince(DateTimeOffset now, ServerSettings settings) =>
        now - TimeSpan.FromSeconds((double)settings.CheckInIntervalSeconds * SilentIntervals);
}
