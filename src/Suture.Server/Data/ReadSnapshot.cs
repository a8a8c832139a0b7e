using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Suture.Server.Data;

/// <summary>
/// A read-only transaction over which several queries see one state of the database (a report read
/// in pages or chunks: its count and its rows agree, and a chunked CSV neither skips nor repeats a
/// host registered meanwhile). PostgreSQL: <c>REPEATABLE READ</c>. SQLite: a deferred transaction
/// (<c>BEGIN</c>, which takes no write lock: writers go on, in WAL mode the reader keeps its
/// snapshot). Nothing is written; it is rolled back at the end.
/// </summary>
internal sealed class ReadSnapshot : IAsyncDisposable
{
    private readonly ServerDb _db;
    private readonly IDbContextTransaction? _transaction;
    private readonly bool _opened;

    private ReadSnapshot(ServerDb db, IDbContextTransaction? transaction, bool opened)
    {
        _db = db;
        _transaction = transaction;
        _opened = opened;
    }

    public static async Task<ReadSnapshot> BeginAsync(ServerDb db, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return new ReadSnapshot(db, null, false);
        }

        if (db.Database.IsNpgsql())
        {
            return new ReadSnapshot(db, await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct), false);
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            SqliteTransaction deferred = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
            return new ReadSnapshot(db, await db.Database.UseTransactionAsync(deferred, ct), true);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.RollbackAsync(CancellationToken.None);
            await _transaction.DisposeAsync();
        }

        if (_opened)
        {
            await _db.Database.CloseConnectionAsync();
        }
    }
}
