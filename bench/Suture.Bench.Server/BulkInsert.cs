using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Suture.Server.Data;

namespace Suture.Bench.Server;

/// <summary>
/// Inserts many rows of one entity type in bulk, with the table and columns the server's model
/// maps it to (so the bench follows the schema): on PostgreSQL one <c>INSERT ... SELECT FROM
/// unnest(arrays)</c> per 10,000 rows, on SQLite one prepared statement per row inside the caller's
/// single transaction. Values go through the model's converters (times as Unix milliseconds).
/// Rows must carry their keys (identity columns included).
/// </summary>
internal static class BulkInsert
{
    private const int Chunk = 10_000;

    public static async Task RunAsync<T>(ServerDb db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        IEntityType type = db.Model.FindEntityType(typeof(T)) ?? throw new BenchException($"{typeof(T).Name} is not in the server's model");
        string table = type.GetTableName()!;
        StoreObjectIdentifier store = StoreObjectIdentifier.Table(table, type.GetSchema());
        IProperty[] properties = [.. type.GetProperties().Where(p => p.PropertyInfo is not null)];
        string columns = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(store)}\""));
        DbConnection connection = db.Database.GetDbConnection();
        DbTransaction? transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (db.Database.IsNpgsql())
        {
            for (int start = 0; start < rows.Count; start += Chunk)
            {
                int n = Math.Min(Chunk, rows.Count - start);
                await using DbCommand command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"INSERT INTO \"{table}\" ({columns}) SELECT * FROM unnest({string.Join(", ", properties.Select((_, i) => $"@c{i}"))})";
                for (int c = 0; c < properties.Length; c++)
                {
                    IProperty p = properties[c];
                    Type provider = p.GetTypeMapping().Converter?.ProviderClrType ?? p.ClrType;
                    provider = Nullable.GetUnderlyingType(provider) ?? provider;
                    Type element = p.IsNullable && provider.IsValueType ? typeof(Nullable<>).MakeGenericType(provider) : provider;
                    var values = Array.CreateInstance(element, n);
                    for (int r = 0; r < n; r++)
                    {
                        values.SetValue(Value(p, rows[start + r]), r);
                    }

                    command.Parameters.Add(new NpgsqlParameter($"c{c}", values));
                }

                await command.ExecuteNonQueryAsync(ct);
            }

            return;
        }

        await using DbCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO \"{table}\" ({columns}) VALUES ({string.Join(", ", properties.Select((_, i) => $"@c{i}"))})";
        DbParameter[] parameters = [.. properties.Select((_, i) =>
        {
            DbParameter parameter = insert.CreateParameter();
            parameter.ParameterName = $"@c{i}";
            insert.Parameters.Add(parameter);
            return parameter;
        })];
        foreach (T row in rows)
        {
            for (int c = 0; c < properties.Length; c++)
            {
                parameters[c].Value = Value(properties[c], row) ?? DBNull.Value;
            }

            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>After rows with explicit identity values: PostgreSQL's sequence continues after them.</summary>
    public static async Task ContinueIdentityAsync<T>(ServerDb db, CancellationToken ct)
        where T : class
    {
        if (!db.Database.IsNpgsql())
        {
            return; // SQLite's INTEGER PRIMARY KEY continues after the largest value by itself
        }

        string table = db.Model.FindEntityType(typeof(T))!.GetTableName()!; // a name of the model, not input
        string sql = $"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'Id'), (SELECT max(\"Id\") FROM \"{table}\"))";
        await db.Database.ExecuteSqlRawAsync(sql, ct);
    }

    private static object? Value<T>(IProperty p, T row)
    {
        object? value = p.PropertyInfo!.GetValue(row);
        return value is null ? null : p.GetTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value) : value;
    }
}
