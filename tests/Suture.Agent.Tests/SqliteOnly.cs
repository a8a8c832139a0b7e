namespace Suture.Server.Tests;

// The server tests' ServerUnderTest takes a Database; the agent tests run on SQLite only (their
// PostgresCluster is not linked: its Process would be this project's Suture.Process namespace).

/// <summary>The database a test server runs on.</summary>
public abstract class Database
{
    public abstract string Name { get; }

    /// <summary>Settings that point a new server at a fresh, empty database.</summary>
    public abstract Task<Dictionary<string, string>> SettingsAsync();

    public override string ToString() => Name;
}

/// <summary>The SQLite file in the server's data directory.</summary>
public sealed class SqliteDatabase : Database
{
    public override string Name => "sqlite";

    public override Task<Dictionary<string, string>> SettingsAsync() => Task.FromResult(new Dictionary<string, string>());
}
