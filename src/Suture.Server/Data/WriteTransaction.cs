using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Suture.Server.Data;

/// <summary>
/// Runs a unit of work that writes in one transaction, again from the start (change tracker
/// cleared) when it lost a race with another writer: a unique key taken meanwhile (two writers
/// appending the same audit entry number), a serialization failure, or SQLite busy. Writers of one
/// server instance go one at a time; instances sharing a PostgreSQL database meet at the keys.
/// A single statement (<see cref="RunStatementAsync"/>, a check-in's update of its host) needs no
/// transaction: on PostgreSQL it runs at once beside the others, on SQLite (one writer at a time)
/// it waits its turn at the same gate instead of meeting SQLite's busy back-off.
/// </summary>
internal static class WriteTransaction
{
    private const int Attempts = 8;
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static Task<T> RunAsync<T>(ServerDb db, Func<Task<T>> work, CancellationToken ct) => RunAsync(db, work, transaction: true, ct);

    public static Task<T> RunStatementAsync<T>(ServerDb db, Func<Task<T>> statement, CancellationToken ct) => RunAsync(db, statement, transaction: false, ct);

    private static async Task<T> RunAsync<T>(ServerDb db, Func<Task<T>> work, bool transaction, CancellationToken ct)
    {
        SemaphoreSlim? gate = transaction || db.Database.IsSqlite() ? Gate : null;
        for (int attempt = 1; ; attempt++)
        {
            if (gate is not null)
            {
                await gate.WaitAsync(ct);
            }

            try
            {
                if (!transaction)
                {
                    return await work();
                }

                await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
                T result = await work();
                await tx.CommitAsync(ct);
                return result;
            }
            catch (Exception e) when (attempt < Attempts && IsRace(e))
            {
                db.ChangeTracker.Clear();
            }
            finally
            {
                gate?.Release();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), ct);
        }
    }

    private static bool IsRace(Exception e) => e switch
    {
        DbUpdateException { InnerException: { } inner } => IsRace(inner),
        PostgresException p => p.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
        SqliteException s => s.SqliteErrorCode is 5 or 6 || (s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 1555 or 2067),
        _ => false,
    };
}
