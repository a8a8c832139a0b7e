using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Problems;

namespace Suture.Server.Audit;

/// <summary>The audit log: read a page (export), and verify the whole hash chain.</summary>
internal static class AuditEndpoints
{
    public const int MaxPage = 1000;

    public static void Map(RouteGroupBuilder api)
    {
        RouteGroupBuilder audit = api.MapGroup("/audit").RequireAuthorization(Roles.ReadPolicy).WithTags("Audit");
        audit.MapGet("/", ListAsync);
        audit.MapGet("/verify", async (ServerDb db, CancellationToken ct) => TypedResults.Ok(await AuditLog.VerifyAsync(db, ct)));
    }

    /// <summary>Entries with id after <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    private static async Task<Results<Ok<IReadOnlyList<AuditEntryInfo>>, ProblemHttpResult>> ListAsync(ServerDb db, long? after, int? limit, CancellationToken ct)
    {
        int take = limit ?? 100;
        if (take is < 1 or > MaxPage)
        {
            return Problem.Invalid($"limit: {take} is not from 1 to {MaxPage}");
        }

        long from = after ?? 0;
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Id > from).OrderBy(e => e.Id).Take(take).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<AuditEntryInfo>>([.. entries.Select(e =>
            new AuditEntryInfo(e.Id, e.At, e.Actor, e.Action, e.Subject, e.Details, e.Remote, e.PreviousHash, e.Hash))]);
    }
}
