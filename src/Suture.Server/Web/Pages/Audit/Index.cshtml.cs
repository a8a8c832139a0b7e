using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.Web.Pages.Audit;

/// <summary>The audit log, newest first, a page at a time, with the result of walking its hash chain.</summary>
internal sealed class AuditModel(ServerDb db, TimeProvider time) : WebPage(time)
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public AuditVerification Verification { get; private set; } = new(true, 0, null, null);

    /// <summary>Where the next page of older entries starts, or null on the last page.</summary>
    public long? Older { get; private set; }

    public async Task OnGetAsync()
    {
        CancellationToken ct = HttpContext.RequestAborted;
        IQueryable<AuditEntry> query = db.AuditEntries.AsNoTracking();
        if (Before is { } before)
        {
            query = query.Where(e => e.Id < before);
        }

        Entries = await query.OrderByDescending(e => e.Id).Take(PageSize).ToListAsync(ct);
        Older = Entries.Count == PageSize && Entries[^1].Id > 1 ? Entries[^1].Id : null;
        Verification = await Suture.Server.Audit.AuditLog.VerifyAsync(db, ct);
    }
}
