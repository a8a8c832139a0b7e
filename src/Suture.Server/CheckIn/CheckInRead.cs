using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Server.CheckIn;

/// <summary>
/// Everything an unchanged check-in reads, by the host token's hash, in one round trip: the host
/// and its feed (authentication), the feed's patches for the objects the host maps with their
/// CVEs, and the levels the host's processes of those objects run. Three statements in one
/// command (on PostgreSQL prepared once per connection, docs/performance-server.md); the same SQL
/// on SQLite. Values are read as the model stores them (times as Unix milliseconds, states as
/// their names: <see cref="ServerDb"/>'s conventions).
/// </summary>
internal static class CheckInRead
{
    private const string Sql = """
        SELECT h."Id", h."InventoryDigest", f."Id", f."Name", f."ApprovalMode", f."DelaySeconds", f."Created", f."PromotesFromId"
        FROM "Hosts" AS h INNER JOIN "Feeds" AS f ON f."Id" = h."FeedId"
        WHERE h."TokenHash" = @hash;
        SELECT fp."PatchId", fp."State", fp."Approved", fp."Changed",
            p."Sha256", p."PatchId", p."BuildId", p."ObjectName", p."Package", p."Version", p."Level", p."Description", p."Size", p."Uploaded", p."Signature", c."Cve"
        FROM "Hosts" AS h
        INNER JOIN "FeedPatches" AS fp ON fp."FeedId" = h."FeedId"
        INNER JOIN "Patches" AS p ON p."Id" = fp."PatchId"
        LEFT JOIN "PatchCves" AS c ON c."PatchId" = p."Id"
        WHERE h."TokenHash" = @hash AND EXISTS (SELECT 1 FROM "HostObjects" AS o WHERE o."HostId" = h."Id" AND o."BuildId" = p."BuildId")
        ORDER BY fp."PatchId", c."Cve";
        SELECT o."BuildId", hp."Pid", hp."Level"
        FROM "Hosts" AS h
        INNER JOIN "HostObjects" AS o ON o."HostId" = h."Id"
        INNER JOIN "HostProcesses" AS hp ON hp."HostObjectId" = o."Id"
        WHERE h."TokenHash" = @hash AND EXISTS (
            SELECT 1 FROM "FeedPatches" AS fp INNER JOIN "Patches" AS p ON p."Id" = fp."PatchId"
            WHERE fp."FeedId" = h."FeedId" AND p."BuildId" = o."BuildId");
        """;

    /// <summary>The host of the token's hash with its plan's inputs, or null for an unknown token.</summary>
    public static async Task<HostAtCheckIn?> ReadAsync(ServerDb db, string tokenHash, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = Sql;
            DbParameter hash = command.CreateParameter();
            hash.ParameterName = "@hash";
            hash.Value = tokenHash;
            command.Parameters.Add(hash);
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            string hostId = reader.GetString(0);
            string? digest = reader.IsDBNull(1) ? null : reader.GetString(1);
            var feed = new Feed
            {
                Id = reader.GetInt64(2),
                Name = reader.GetString(3),
                ApprovalMode = Enum.Parse<ApprovalMode>(reader.GetString(4)),
                DelaySeconds = reader.GetInt64(5),
                Created = Time(reader.GetInt64(6)),
                PromotesFromId = reader.IsDBNull(7) ? null : reader.GetInt64(7),
            };

            await reader.NextResultAsync(ct);
            var patches = new List<FeedPatch>();
            while (await reader.ReadAsync(ct))
            {
                long patchId = reader.GetInt64(0);
                if (patches.Count == 0 || patches[^1].PatchId != patchId)
                {
                    patches.Add(new FeedPatch
                    {
                        FeedId = feed.Id,
                        PatchId = patchId,
                        State = Enum.Parse<FeedPatchState>(reader.GetString(1)),
                        Approved = reader.IsDBNull(2) ? null : Time(reader.GetInt64(2)),
                        Changed = Time(reader.GetInt64(3)),
                        Patch = new Patch
                        {
                            Id = patchId,
                            Sha256 = reader.GetString(4),
                            PatchId = reader.GetString(5),
                            BuildId = reader.GetString(6),
                            ObjectName = reader.GetString(7),
                            Package = reader.IsDBNull(8) ? null : reader.GetString(8),
                            Version = reader.IsDBNull(9) ? null : reader.GetString(9),
                            Level = reader.GetInt32(10),
                            Description = reader.GetString(11),
                            Size = reader.GetInt64(12),
                            Uploaded = Time(reader.GetInt64(13)),
                            Signature = reader.GetString(14),
                        },
                    });
                }

                if (!reader.IsDBNull(15))
                {
                    patches[^1].Patch.Cves.Add(new PatchCve { PatchId = patchId, Cve = reader.GetString(15) });
                }
            }

            await reader.NextResultAsync(ct);
            var processes = new List<ProcessLevel>();
            while (await reader.ReadAsync(ct))
            {
                processes.Add(new ProcessLevel(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
            }

            return new HostAtCheckIn(hostId, digest, feed) { Plan = new PlanInputs(patches, processes) };
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
}

/// <summary>What <see cref="DirectivePlanner"/> plans from: the feed's patches for the host's objects, and its processes' levels.</summary>
internal sealed record PlanInputs(List<FeedPatch> FeedPatches, List<ProcessLevel> Processes);
