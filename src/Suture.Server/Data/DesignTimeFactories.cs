using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Suture.Server.Data;

/// <summary>
/// For <c>dotnet ef migrations add NAME --context SqliteServerDb -o Data/Migrations/Sqlite</c>
/// (and the same with PostgresServerDb): the tool needs a context without starting the server. No
/// database is opened.
/// </summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteServerDb>
{
    public SqliteServerDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteServerDb>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresServerDb>
{
    public PostgresServerDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresServerDb>().UseNpgsql("Host=/nonexistent;Database=design-time").Options);
}
