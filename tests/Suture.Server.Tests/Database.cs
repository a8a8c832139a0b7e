namespace Suture.Server.Tests;

/// <summary>
/// The database a test server runs on; every test class runs once per kind (<see cref="SqliteDatabase"/>,
/// and PostgresDatabase here). The agent tests link this file and run on SQLite only.
/// </summary>
public abstract class Database
{
    public abstract string Name { get; }

    /// <summary>Settings that point a new server at a fresh, empty database.</summary>
    public abstract Task<Dictionary<string, string>> SettingsAsync();

    public override string ToString() => Name;
}

/// <summary>The default: the SQLite file in the server's data directory.</summary>
public sealed class SqliteDatabase : Database
{
    public override string Name => "sqlite";

    public override Task<Dictionary<string, string>> SettingsAsync() => Task.FromResult(new Dictionary<string, string>());
}
