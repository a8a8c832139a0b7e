using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Suture.Server.Data;
using Suture.Server.Reports;

namespace Suture.Server.Web.Pages.Cves;

/// <summary>One CVE: the patches that fix it and the hosts in each state.</summary>
internal sealed class CveModel(ServerDb db, TimeProvider time) : WebPage(time)
{
    public const int MaxListed = 500;

    public string Cve { get; private set; } = "";

    public IReadOnlyList<Fix> Fixes { get; private set; } = [];

    public IReadOnlyList<HostRow> Hosts { get; private set; } = [];

    public int NotAffected { get; private set; }

    public async Task<IActionResult> OnGetAsync(string cve)
    {
        CancellationToken ct = HttpContext.RequestAborted;
        Coverage coverage = await Coverage.LoadAsync(db, ct);
        if (!coverage.Knows(cve))
        {
            return NotFound();
        }

        Cve = cve;
        Fixes = await db.PatchCves.AsNoTracking().Where(c => c.Cve == cve)
            .Join(db.Patches, c => c.PatchId, p => p.Id, (c, p) => new Fix(p.Sha256, p.PatchId, p.BuildId, p.ObjectName, p.Level))
            .OrderBy(f => f.ObjectName).ThenBy(f => f.Level)
            .ToListAsync(ct);
        var hosts = await db.Hosts.AsNoTracking().OrderBy(h => h.Hostname).Select(h => new { h.Id, h.Hostname, Feed = h.Feed.Name }).ToListAsync(ct);
        var rows = hosts.Select(h => new HostRow(h.Id, h.Hostname, h.Feed, coverage.StateOf(h.Id, cve))).ToList();
        NotAffected = rows.Count(r => r.State == CveState.NotAffected);
        Hosts = [.. rows.Where(r => r.State != CveState.NotAffected)];
        return Page();
    }

    public sealed record Fix(string Sha256, string PatchId, string BuildId, string ObjectName, int Level);

    public sealed record HostRow(string Id, string Hostname, string Feed, CveState State);
}
