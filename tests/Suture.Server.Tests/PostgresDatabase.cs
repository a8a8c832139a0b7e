namespace Suture.Server.Tests;

/// <summary>A new database in the tests' private PostgreSQL cluster.</summary>
public sealed class PostgresDatabase(PostgresCluster cluster) : Database
{
    public override string Name => "postgresql";

    public override async Task<Dictionary<string, string>> SettingsAsync() => new()
    {
        ["Suture:Database:Provider"] = "postgresql",
        ["Suture:Database:ConnectionString"] = await cluster.CreateDatabaseAsync(),
    };
}
