using System.Diagnostics;
using Npgsql;
using Suture.TestSupport;

namespace Suture.Server.Tests;

/// <summary>
/// A private PostgreSQL cluster owned by the tests: initdb into a temporary directory (as the
/// <c>postgres</c> user Debian's package creates), served on a Unix socket in that directory only
/// (no TCP), each test server given a database of its own; stopped and removed at the end.
/// Needs Debian's <c>postgresql</c> package (scripts/install-deps.sh installs it) and root.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"suture-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private int _databases;
    private bool _started;

    public string SocketDirectory => Path.Combine(_directory, "socket");

    public int Port { get; } = 20000 + Random.Shared.Next(40000);

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = SocketDirectory, Port = Port, Username = "postgres", Database = database, Pooling = true }.ConnectionString;

    public async Task InitializeAsync()
    {
        string bin = FindBin();
        Directory.CreateDirectory(SocketDirectory);
        Run("chown", "-R", "postgres:postgres", _directory);
        Run("chmod", "0700", _directory);
        string data = Path.Combine(_directory, "data");
        RunAsPostgres(Path.Combine(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C");
        RunAsPostgres(Path.Combine(bin, "pg_ctl"), "-D", data, "-w", "-t", "120", "-l", Path.Combine(_directory, "log"),
            "-o", $"-c listen_addresses='' -k {SocketDirectory} -p {Port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            "start");
        _started = true;
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
    }

    /// <summary>A new empty database for one test server.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = $"suture_test_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_started)
        {
            try
            {
                RunAsPostgres(Path.Combine(FindBin(), "pg_ctl"), "-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "-t", "60", "stop");
            }
            catch (InvalidOperationException)
            {
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private static string FindBin()
    {
        string? bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out int v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL's server binaries are not installed (/usr/lib/postgresql/*/bin/initdb); run scripts/install-deps.sh (apt-get install postgresql)");
    }

    private static void RunAsPostgres(string program, params string[] args) => Run("runuser", ["-u", "postgres", "--", program, .. args]);

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using System.Diagnostics.Process process = System.Diagnostics.Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} did not finish within 3 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {output.Result}{error.Result}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}
