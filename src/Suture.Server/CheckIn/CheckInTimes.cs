using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Suture.Server.Data;

namespace Suture.Server.CheckIn;

/// <summary>
/// Writes the last check-in time (and agent version) of unchanged check-ins in groups: a check-in
/// hands its row over and waits until it is committed, and all rows that arrive while one group
/// is being written go together in the next (group commit). Each check-in still answers only after
/// its time is stored, so reports and other instances see it at once, but a thousand check-ins
/// per second cost a few commits (a few fsyncs on SQLite, a few statements on PostgreSQL) instead
/// of a thousand. A time is never moved backwards (an instance that writes late does not undo a
/// later check-in through another one). docs/performance-server.md.
/// </summary>
internal sealed class CheckInTimes(IServiceScopeFactory scopes)
{
    /// <summary>At most this many rows in one statement or transaction.</summary>
    public const int MaxGroup = 1000;

    private const string SqliteUpdate =
        "UPDATE \"Hosts\" SET \"LastCheckIn\" = @at, \"AgentVersion\" = COALESCE(@version, \"AgentVersion\") " +
        "WHERE \"Id\" = @id AND (\"LastCheckIn\" IS NULL OR \"LastCheckIn\" <= @at)";

    private const string PostgresUpdate =
        "UPDATE \"Hosts\" AS h SET \"LastCheckIn\" = v.at, \"AgentVersion\" = COALESCE(v.version, h.\"AgentVersion\") " +
        "FROM unnest(@ids, @ats, @versions) AS v(id, at, version) " +
        "WHERE h.\"Id\" = v.id AND (h.\"LastCheckIn\" IS NULL OR h.\"LastCheckIn\" <= v.at)";

    private readonly Lock _lock = new();
    private List<Pending> _queue = [];
    private bool _writing;

    /// <summary>Completes when the time is committed; faults with the database's error if the write failed.</summary>
    public Task RecordAsync(string hostId, DateTimeOffset at, string? agentVersion)
    {
        var pending = new Pending(hostId, at.ToUnixTimeMilliseconds(), agentVersion);
        bool start;
        lock (_lock)
        {
            _queue.Add(pending);
            start = !_writing;
            _writing = true;
        }

        if (start)
        {
            _ = Task.Run(WriteLoopAsync);
        }

        return pending.Written.Task;
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            List<Pending> group;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }

                if (_queue.Count <= MaxGroup)
                {
                    group = _queue;
                    _queue = [];
                }
                else
                {
                    group = _queue.GetRange(0, MaxGroup);
                    _queue.RemoveRange(0, MaxGroup);
                }
            }

            try
            {
                await WriteAsync(group);
                foreach (Pending p in group)
                {
                    p.Written.TrySetResult();
                }
            }
            catch (Exception e)
            {
                foreach (Pending p in group)
                {
                    p.Written.TrySetException(e);
                }
            }
        }
    }

    private async Task WriteAsync(List<Pending> group)
    {
        // One row per host (its latest check-in), in id order so that concurrent groups of two
        // instances lock rows in the same order.
        var rows = new Dictionary<string, Pending>(group.Count, StringComparer.Ordinal);
        foreach (Pending p in group)
        {
            if (!rows.TryGetValue(p.HostId, out Pending? seen) || p.At >= seen.At)
            {
                rows[p.HostId] = p;
            }
        }

        List<Pending> ordered = [.. rows.Values.OrderBy(p => p.HostId, StringComparer.Ordinal)];
        using IServiceScope scope = scopes.CreateScope();
        ServerDb db = scope.ServiceProvider.GetRequiredService<ServerDb>();
        if (db.Database.IsNpgsql())
        {
            await WriteTransaction.RunStatementAsync(db, () => PostgresAsync(db, ordered), CancellationToken.None);
        }
        else
        {
            await WriteTransaction.RunAsync(db, () => SqliteAsync(db, ordered), CancellationToken.None);
        }
    }

    /// <summary>One statement for the whole group.</summary>
    private static async Task<int> PostgresAsync(ServerDb db, List<Pending> rows)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = PostgresUpdate;
            command.Parameters.Add(new NpgsqlParameter("ids", rows.Select(r => r.HostId).ToArray()));
            command.Parameters.Add(new NpgsqlParameter("ats", rows.Select(r => r.At).ToArray()));
            command.Parameters.Add(new NpgsqlParameter("versions", rows.Select(r => r.AgentVersion).ToArray()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            return await command.ExecuteNonQueryAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>One prepared statement run per row, in the caller's transaction (one commit).</summary>
    private static async Task<int> SqliteAsync(ServerDb db, List<Pending> rows)
    {
        IDbContextTransaction transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("the SQLite check-in times are written inside a transaction");
        await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = SqliteUpdate;
        DbParameter id = Parameter(command, "@id");
        DbParameter at = Parameter(command, "@at");
        DbParameter version = Parameter(command, "@version");
        int changed = 0;
        foreach (Pending row in rows)
        {
            id.Value = row.HostId;
            at.Value = row.At;
            version.Value = (object?)row.AgentVersion ?? DBNull.Value;
            changed += await command.ExecuteNonQueryAsync();
        }

        return changed;
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        DbParameter p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
        return p;
    }

    private sealed class Pending(string hostId, long at, string? agentVersion)
    {
        public string HostId { get; } = hostId;

        public long At { get; } = at;

        public string? AgentVersion { get; } = agentVersion;

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
