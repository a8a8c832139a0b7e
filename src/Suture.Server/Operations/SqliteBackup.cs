using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;
using Suture.Server.Audit;
using Suture.Server.Configuration;
using Suture.Server.Data;

namespace Suture.Server.Operations;

/// <summary>
/// <c>suture-server backup FILE</c> and <c>suture-server restore FILE</c> for the SQLite database,
/// with SQLite's online backup API (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>):
/// a backup is a consistent snapshot taken while the server runs and hosts check in (the
/// database is in WAL mode, so the copy blocks no writer); a restore copies a backup back page by
/// page, after keeping the database it replaces beside it. Both check the result (SQLite's
/// integrity check and the audit chain) and say what they did. PostgreSQL has its own tools
/// (pg_dump, docs/server.md).
/// </summary>
internal static class SqliteBackup
{
    public const int Done = 0;
    public const int Usage = 2;
    public const int DatabaseFailed = 3;

    public static async Task<int> RunAsync(string[] args, Action<string> say, Action<string> error, CancellationToken ct)
    {
        string verb = args[0];
        if (args.Length < 2 || args[1].StartsWith("--", StringComparison.Ordinal))
        {
            error($"suture-server {verb}: give the backup file: suture-server {verb} FILE [--Suture:DataDirectory=DIR]");
            return Usage;
        }

        string file = Path.GetFullPath(args[1]);
        await using WebApplication tool = ServerApp.Build(args[2..], say: error, tool: true);
        ServerSettings settings = tool.Services.GetRequiredService<ServerSettings>();
        if (settings.DatabaseProvider != "sqlite")
        {
            error($"suture-server {verb}: the database is {settings.DatabaseProvider}, and this command is for SQLite; use pg_dump and pg_restore (docs/server.md#backup-and-restore)");
            return Usage;
        }

        string live = new SqliteConnectionStringBuilder(settings.SqliteConnectionString).DataSource;
        try
        {
            return verb == "backup"
                ? await BackupAsync(settings.SqliteConnectionString, live, file, say, error, ct)
                : await RestoreAsync(tool, settings.SqliteConnectionString, live, file, say, error, ct);
        }
        catch (SqliteException e)
        {
            error($"suture-server {verb}: {file}: SQLite error {e.SqliteErrorCode}: {e.Message}");
            return DatabaseFailed;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static async Task<int> BackupAsync(string liveConnection, string live, string file, Action<string> say, Action<string> error, CancellationToken ct)
    {
        if (!File.Exists(live))
        {
            error($"suture-server backup: no database at {live}; check --Suture:DataDirectory (or Suture:Database:ConnectionString)");
            return Usage;
        }

        if (File.Exists(file) || Directory.Exists(file))
        {
            error($"suture-server backup: {file} exists; give a new file name (a backup never overwrites anything)");
            return Usage;
        }

        string partial = $"{file}.partial-{Environment.ProcessId}";
        try
        {
            PrivateFile.Write(partial, []); // mode 0600 from the start: the database holds the audit log
            await using (var source = Open(liveConnection, SqliteOpenMode.ReadWrite))
            await using (var copy = Open(FileConnection(partial), SqliteOpenMode.ReadWrite))
            {
                source.BackupDatabase(copy);
                Execute(copy, "PRAGMA journal_mode=DELETE"); // one self-contained file
            }

            string summary = await CheckAsync(partial, ct);
            File.Move(partial, file);
            say($"suture-server backup: wrote {file} ({new FileInfo(file).Length} bytes; {summary})");
            return Done;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(partial);
        }
    }

    private static async Task<int> RestoreAsync(WebApplication tool, string liveConnection, string live, string file, Action<string> say, Action<string> error, CancellationToken ct)
    {
        if (!File.Exists(file))
        {
            error($"suture-server restore: {file}: no such file; give a file written by suture-server backup");
            return Usage;
        }

        string summary;
        try
        {
            summary = await CheckAsync(file, ct);
            string[] known;
            using (IServiceScope scope = tool.Services.CreateScope())
            {
                known = [.. scope.ServiceProvider.GetRequiredService<ServerDb>().Database.GetMigrations()];
            }

            if (Migrations(file).Except(known, StringComparer.Ordinal).ToList() is { Count: > 0 } unknown)
            {
                error($"suture-server restore: {file} was made by a newer suture-server (migrations {string.Join(", ", unknown)}); restore it with that version");
                return Usage;
            }
        }
        catch (SqliteException e)
        {
            error($"suture-server restore: {file} is not a suture-server backup ({e.Message}); nothing was changed; give a file written by suture-server backup");
            return Usage;
        }
        catch (BackupCheckException e)
        {
            error($"suture-server restore: {file}: {e.Message}; nothing was changed");
            return Usage;
        }

        if (File.Exists(live))
        {
            string kept = $"{live}.before-restore-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
            await using (var current = Open(liveConnection, SqliteOpenMode.ReadWrite))
            await using (var copy = Open(FileConnection(kept), SqliteOpenMode.ReadWriteCreate))
            {
                current.BackupDatabase(copy);
                Execute(copy, "PRAGMA journal_mode=DELETE");
            }

            say($"suture-server restore: kept the database it replaces as {kept}");
        }

        await using (var backup = Open(FileConnection(file), SqliteOpenMode.ReadOnly))
        await using (var target = Open(liveConnection, SqliteOpenMode.ReadWriteCreate))
        {
            backup.BackupDatabase(target);
            Execute(target, "PRAGMA journal_mode=WAL"); // as the server creates it
        }

        using (IServiceScope scope = tool.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ServerDb>().Database.MigrateAsync(ct);
        }

        say($"suture-server restore: restored {live} from {file} ({summary}); hosts whose inventory changed since send it at their next check-in");
        return Done;
    }

    /// <summary>SQLite's integrity check, then the audit chain; a summary of what the file holds.</summary>
    private static async Task<string> CheckAsync(string file, CancellationToken ct)
    {
        string connection = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString;
        await using (var c = new SqliteConnection(connection))
        {
            c.Open();
            string integrity = Scalar(c, "PRAGMA integrity_check");
            if (integrity != "ok")
            {
                throw new BackupCheckException($"SQLite's integrity check failed: {integrity}");
            }
        }

        await using var db = new SqliteServerDb(new DbContextOptionsBuilder<SqliteServerDb>().UseSqlite(connection).Options);
        long hosts = await db.Hosts.LongCountAsync(ct);
        AuditVerification audit = await AuditLog.VerifyAsync(db, ct);
        return audit.Valid
            ? $"{hosts} hosts, {audit.Entries} audit entries, audit chain intact"
            : throw new BackupCheckException($"the audit chain is broken at entry {audit.FirstBadEntry}: {audit.Problem}");
    }

    private static List<string> Migrations(string file)
    {
        using var c = Open(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString, null);
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory";
        using SqliteDataReader reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static string FileConnection(string path) => new SqliteConnectionStringBuilder { DataSource = path }.ConnectionString;

    private static SqliteConnection Open(string connectionString, SqliteOpenMode? mode)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (mode is { } m)
        {
            builder.Mode = m;
        }

        builder.Pooling = false;
        var connection = new SqliteConnection(builder.ConnectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=30000");
        return connection;
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Scalar(SqliteConnection c, string sql)
    {
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private sealed class BackupCheckException(string message) : Exception(message);
}
