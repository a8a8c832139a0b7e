using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Suture.Server.Configuration;
using Suture.Server.Data;

namespace Suture.Server.Web.Pages.Hosts;

/// <summary>Every host, with how many of its processes run a patch and how many results failed.</summary>
internal sealed class HostsModel(ServerDb db, ServerSettings settings, TimeProvider time) : WebPage(time)
{
    public const int MaxRows = 1000;

    [BindProperty(SupportsGet = true)]
    public string? Tag { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Silent { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        CancellationToken ct = HttpContext.RequestAborted;
        DateTimeOffset silentBefore = IndexModel.SilentSince(Now, settings);
        var query = db.Hosts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Tag))
        {
            query = query.Where(h => h.Tags.Any(t => t.Tag == Tag));
        }

        if (Silent)
        {
            query = query.Where(h => h.LastCheckIn == null || h.LastCheckIn < silentBefore);
        }

        var hosts = await query.OrderBy(h => h.Hostname).ThenBy(h => h.Id).Take(MaxRows)
            .Select(h => new
            {
                h.Id,
                h.Hostname,
                Feed = h.Feed.Name,
                Tags = h.Tags.Select(t => t.Tag).ToList(),
                h.LastCheckIn,
                Processes = h.Objects.SelectMany(o => o.Processes).Count(),
                Patched = h.Objects.SelectMany(o => o.Processes).Count(p => p.Level > 0),
                Failures = db.HostResults.Count(r => r.HostId == h.Id && r.Outcome != "succeeded"),
            })
            .ToListAsync(ct);
        Rows = [.. hosts.Select(h => new Row(h.Id, h.Hostname, h.Feed, [.. h.Tags.Order(StringComparer.Ordinal)], h.LastCheckIn, h.LastCheckIn is null || h.LastCheckIn < silentBefore, h.Processes, h.Patched, h.Failures))];
    }

    public sealed record Row(string Id, string Hostname, string Feed, IReadOnlyList<string> Tags, DateTimeOffset? LastCheckIn, bool Silent, int Processes, int Patched, int Failures);
}
