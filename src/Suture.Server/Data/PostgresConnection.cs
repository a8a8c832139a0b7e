using System.Data.Common;
using Npgsql;

namespace Suture.Server.Data;

/// <summary>
/// The server's defaults for a PostgreSQL connection string, each applied only when the operator's
/// string does not set it (docs/server.md#postgresql, docs/decisions.md):
/// <list type="bullet">
/// <item><c>Max Auto Prepare=64</c>, <c>Auto Prepare Min Usages=2</c>: a statement the server runs
/// again is prepared on the connection, so PostgreSQL parses and plans it once, not at every
/// check-in;</item>
/// <item><c>No Reset On Close=true</c>: a connection given back to the pool is not reset with
/// <c>DISCARD ALL</c> (one more statement for every query EF Core runs, and it would drop the
/// prepared statements). The server sets no session state (no <c>SET</c>, temporary tables,
/// advisory locks or <c>LISTEN</c>) that a reset would have to clear.</item>
/// </list>
/// </summary>
internal static class PostgresConnection
{
    private static readonly (string Key, string Value)[] Defaults =
    [
        ("Max Auto Prepare", "64"),
        ("Auto Prepare Min Usages", "2"),
        ("No Reset On Close", "true"),
    ];

    public static string WithDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(Normal).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        foreach ((string key, string value) in Defaults)
        {
            if (!keys.Contains(Normal(key)))
            {
                builder[key] = value;
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>Npgsql takes a keyword with or without its spaces ("Max Auto Prepare", "MaxAutoPrepare"), in any case.</summary>
    private static string Normal(string key) => key.Replace(" ", "", StringComparison.Ordinal);
}
