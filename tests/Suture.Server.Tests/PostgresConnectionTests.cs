using Npgsql;
using Suture.Server.Data;

namespace Suture.Server.Tests;

/// <summary>The server's defaults for a PostgreSQL connection string, and that the operator's own settings win.</summary>
public sealed class PostgresConnectionTests
{
    [Fact]
    public void Defaults_prepare_statements_and_skip_the_reset_on_close()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresConnection.WithDefaults("Host=db;Database=suture;Username=suture"));
        Assert.Equal((64, 2, true), (b.MaxAutoPrepare, b.AutoPrepareMinUsages, b.NoResetOnClose));
        Assert.Equal(("db", "suture", "suture"), (b.Host, b.Database, b.Username));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false;Auto Prepare Min Usages=5")]
    [InlineData("Host=db;maxautoprepare=0;NoResetOnClose=false;AUTO PREPARE MIN USAGES=5")]
    public void The_operators_settings_win_however_they_are_spelled(string given)
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresConnection.WithDefaults(given));
        Assert.Equal((0, 5, false), (b.MaxAutoPrepare, b.AutoPrepareMinUsages, b.NoResetOnClose));
    }
}
