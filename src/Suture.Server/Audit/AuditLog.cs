using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.Audit;

/// <summary>
/// Appends entries inside the caller's <see cref="WriteTransaction"/>, so an action and its entry
/// are stored together or not at all. Entry numbers have no gaps; two writers racing for the same
/// number collide on the primary key and one starts again.
/// </summary>
internal sealed class AuditLog(TimeProvider time)
{
    public async Task AppendAsync(
        ServerDb db,
        string actor,
        string action,
        string subject,
        Dictionary<string, string?>? details,
        string? remote,
        CancellationToken ct)
    {
        AuditEntry? pending = db.ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .OrderByDescending(e => e.Id)
            .FirstOrDefault();
        var last = pending is not null
            ? new { pending.Id, pending.Hash }
            : await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(ct);
        var entry = new AuditEntry
        {
            Id = (last?.Id ?? 0) + 1,
            At = time.GetUtcNow(),
            Actor = Truncate(actor, 128),
            Action = action,
            Subject = Truncate(subject, 256),
            Details = details is null ? "{}" : JsonSerializer.Serialize(details, AuditJsonContext.Default.DictionaryStringString),
            Remote = remote,
            PreviousHash = last?.Hash ?? AuditChain.Genesis,
            Hash = "",
        };
        entry.At = DateTimeOffset.FromUnixTimeMilliseconds(entry.At.ToUnixTimeMilliseconds());
        entry.Hash = AuditChain.HashOf(entry);
        db.AuditEntries.Add(entry);
    }

    public static async Task<AuditVerification> VerifyAsync(ServerDb db, CancellationToken ct)
    {
        var verifier = new AuditChain.Verifier();
        await foreach (AuditEntry e in db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!verifier.Add(e))
            {
                break;
            }
        }

        return verifier.Problem is { } p
            ? new AuditVerification(false, verifier.Count, p.Id, p.Problem)
            : new AuditVerification(true, verifier.Count, null, null);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string?>))]
internal sealed partial class AuditJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
