using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.Web.Pages.Patches;

/// <summary>One patch: what it is, its state in every feed (approve, disable, undeploy), and how many processes run it.</summary>
internal sealed class PatchModel(ServerDb db, TimeProvider time) : WebPage(time)
{
    public Patch Patch { get; private set; } = null!;

    public IReadOnlyList<string> Cves { get; private set; } = [];

    public IReadOnlyList<DeploymentRow> Rows { get; private set; } = [];

    public int Mapping { get; private set; }

    public int Running { get; private set; }

    public int Hosts { get; private set; }

    public async Task<IActionResult> OnGetAsync(string sha256)
    {
        CancellationToken ct = HttpContext.RequestAborted;
        Patch? patch = await db.Patches.AsNoTracking().Include(p => p.Cves).FirstOrDefaultAsync(p => p.Sha256 == sha256, ct);
        if (patch is null)
        {
            return NotFound();
        }

        Patch = patch;
        Cves = [.. patch.Cves.Select(c => c.Cve).Order(StringComparer.Ordinal)];
        List<Feed> feeds = await db.Feeds.AsNoTracking().OrderBy(f => f.Name).ToListAsync(ct);
        Rows = await DeploymentRow.LoadAsync(db, feeds, [patch], Now, ct);
        var processes = await db.HostObjects.AsNoTracking().Where(o => o.BuildId == patch.BuildId)
            .Join(db.HostProcesses, o => o.Id, p => p.HostObjectId, (o, p) => new { o.HostId, p.Level })
            .ToListAsync(ct);
        Mapping = processes.Count;
        Running = processes.Count(p => p.Level >= patch.Level);
        Hosts = processes.Select(p => p.HostId).Distinct().Count();
        return Page();
    }
}
