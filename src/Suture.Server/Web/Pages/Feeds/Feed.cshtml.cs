using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Data;
using Suture.Server.Data.Entities;
using Suture.Server.Feeds;

namespace Suture.Server.Web.Pages.Feeds;

/// <summary>One feed: its settings (approval mode, delay, earlier tier), promotion from its earlier tier, and every uploaded patch's state in it, with the deployment actions.</summary>
internal sealed class FeedModel(ServerDb db, AuditLog audit, TimeProvider time) : WebPage(time)
{
    public string Name { get; private set; } = "";

    public ApprovalMode Mode { get; private set; }

    public long DelaySeconds { get; private set; }

    public int Hosts { get; private set; }

    /// <summary>The earlier tier's name, or null for a first tier.</summary>
    public string? PromotesFrom { get; private set; }

    /// <summary>Feeds this one may be promoted from (every other feed).</summary>
    public IReadOnlyList<string> OtherFeeds { get; private set; } = [];

    public IReadOnlyList<DeploymentRow> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string name)
    {
        CancellationToken ct = HttpContext.RequestAborted;
        Feed? feed = await db.Feeds.AsNoTracking().FirstOrDefaultAsync(f => f.Name == name, ct);
        if (feed is null)
        {
            return NotFound();
        }

        (Name, Mode, DelaySeconds) = (feed.Name, feed.ApprovalMode, feed.DelaySeconds);
        var others = await db.Feeds.AsNoTracking().Where(f => f.Id != feed.Id).OrderBy(f => f.Name).Select(f => new { f.Id, f.Name }).ToListAsync(ct);
        OtherFeeds = [.. others.Select(f => f.Name)];
        PromotesFrom = others.FirstOrDefault(f => f.Id == feed.PromotesFromId)?.Name;
        Hosts = await db.Hosts.CountAsync(h => h.FeedId == feed.Id, ct);
        List<Patch> patches = await db.Patches.AsNoTracking().Include(p => p.Cves).OrderBy(p => p.ObjectName).ThenBy(p => p.BuildId).ThenBy(p => p.Level).ToListAsync(ct);
        Rows = await DeploymentRow.LoadAsync(db, [feed], patches, Now, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string name, string? mode, string? delayHours, string? promotesFrom)
    {
        if (Refused())
        {
            return await OnGetAsync(name);
        }

        ApprovalMode? approval = mode switch { "manual" => ApprovalMode.Manual, "automatic" => ApprovalMode.Automatic, _ => null };
        if (approval is null || !double.TryParse(delayHours, NumberStyles.Float, CultureInfo.InvariantCulture, out double hours))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Error($"approval '{mode}' and delay '{delayHours}': choose manual or automatic, and give the delay in hours (0 to {FeedEndpoints.MaxDelayHours})");
            return await OnGetAsync(name);
        }

        IResult result = (await FeedEndpoints.PutAsync(name, new FeedRequest(approval.Value, hours, string.IsNullOrEmpty(promotesFrom) ? null : promotesFrom), db, audit, Clock, HttpContext, HttpContext.RequestAborted)).Result;
        if (ProblemOf(result) is { } problem)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Error(problem);
            return await OnGetAsync(name);
        }

        Flash($"feed {name}: approval {mode}, delay {hours.ToString("0.##", CultureInfo.InvariantCulture)} h, {(string.IsNullOrEmpty(promotesFrom) ? "first tier" : "promoted from " + promotesFrom)}");
        return Back();
    }

    /// <summary>Promotes into this feed what its earlier tier has deployed, with the REST endpoint's code.</summary>
    public async Task<IActionResult> OnPostPromoteAsync(string name)
    {
        if (Refused())
        {
            return await OnGetAsync(name);
        }

        IResult result = (await FeedEndpoints.PromoteAsync(name, null, new DeploymentEndpoints.Ctx(db, audit, Clock, HttpContext))).Result;
        if (ProblemOf(result) is { } problem)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Error(problem);
            return await OnGetAsync(name);
        }

        Flash($"feed {name}: promoted what its earlier tier has deployed (deployed here after this feed's delay)");
        return Redirect(Request.Path);
    }
}
