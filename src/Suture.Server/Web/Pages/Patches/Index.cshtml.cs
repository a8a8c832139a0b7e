using Microsoft.EntityFrameworkCore;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.Web.Pages.Patches;

/// <summary>Every uploaded patch with its state in each feed.</summary>
internal sealed class PatchesModel(ServerDb db, TimeProvider time) : WebPage(time)
{
    public IReadOnlyList<string> Feeds { get; private set; } = [];

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        CancellationToken ct = HttpContext.RequestAborted;
        List<Feed> feeds = await db.Feeds.AsNoTracking().OrderBy(f => f.Name).ToListAsync(ct);
        List<Patch> patches = await db.Patches.AsNoTracking().Include(p => p.Cves).OrderBy(p => p.ObjectName).ThenBy(p => p.BuildId).ThenBy(p => p.Level).ToListAsync(ct);
        IReadOnlyList<DeploymentRow> states = await DeploymentRow.LoadAsync(db, feeds, patches, Now, ct);
        Feeds = [.. feeds.Select(f => f.Name)];
        Rows = [.. patches.Select(p => new Row(
            p.Sha256, p.PatchId, p.BuildId, p.ObjectName, p.Level, [.. p.Cves.Select(c => c.Cve).Order(StringComparer.Ordinal)], p.Package, p.Version, p.Uploaded, p.Signature,
            states.Where(s => s.Sha256 == p.Sha256).ToDictionary(s => s.Feed, StringComparer.Ordinal)))];
    }

    public sealed record Row(
        string Sha256, string Id, string BuildId, string ObjectName, int Level, IReadOnlyList<string> Cves, string? Package, string? Version,
        DateTimeOffset Uploaded, string Signature, IReadOnlyDictionary<string, DeploymentRow> States);
}
