using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.CheckIn;

/// <summary>
/// The queries every check-in runs, compiled (no expression tree walk and cache lookup per
/// request). A compiled query serves one model only, and one process may hold several (the
/// tests run SQLite and PostgreSQL servers side by side), so there is one set per model.
/// </summary>
internal sealed class CheckInQueries
{
    private static readonly ConditionalWeakTable<IModel, CheckInQueries> ByModel = [];

    /// <summary>The host with its feed, by its token's hash: the one read a host's request starts with.</summary>
    public Func<ServerDb, string, CancellationToken, Task<HostAtCheckIn?>> HostByToken { get; } = EF.CompileAsyncQuery(
        (ServerDb db, string hash, CancellationToken ct) => db.Hosts.AsNoTracking().Where(h => h.TokenHash == hash)
            .Select(h => new HostAtCheckIn(h.Id, h.InventoryDigest, h.Feed))
            .FirstOrDefault());

    /// <summary>The feed's patches for the objects the host maps, with their CVEs.</summary>
    public Func<ServerDb, long, string, IAsyncEnumerable<FeedPatch>> FeedPatchesFor { get; } = EF.CompileAsyncQuery(
        (ServerDb db, long feedId, string hostId) => db.FeedPatches.AsNoTracking()
            .Include(fp => fp.Patch).ThenInclude(p => p.Cves)
            .Where(fp => fp.FeedId == feedId && db.HostObjects.Any(o => o.HostId == hostId && o.BuildId == fp.Patch.BuildId)));

    /// <summary>The levels the host's processes run, of the objects its feed has patches for.</summary>
    public Func<ServerDb, long, string, IAsyncEnumerable<ProcessLevel>> ProcessesFor { get; } = EF.CompileAsyncQuery(
        (ServerDb db, long feedId, string hostId) =>
            from o in db.HostObjects
            join p in db.HostProcesses on o.Id equals p.HostObjectId
            where o.HostId == hostId && db.FeedPatches.Any(fp => fp.FeedId == feedId && fp.Patch.BuildId == o.BuildId)
            select new ProcessLevel(o.BuildId, p.Pid, p.Level));

    public static CheckInQueries For(ServerDb db) => ByModel.GetValue(db.Model, static _ => new CheckInQueries());
}

internal sealed record ProcessLevel(string BuildId, int Pid, int Level);
