using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Text.RegularExpressions;
using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

/// <summary>Liveness, readiness and the Prometheus metrics, on each database.</summary>
public abstract partial class OperationsTests(Database database)
{
    [Fact]
    public async Task Health_and_readiness_answer_anonymously_and_metrics_count_check_ins_and_registrations()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        HttpResponseMessage live = await s.Anonymous.GetAsync("/healthz");
        HttpResponseMessage ready = await s.Anonymous.GetAsync("/readyz");
        Assert.Equal(("ok\n", "ready\n"), (await live.Content.ReadAsStringAsync(), await ready.Content.ReadAsStringAsync()));
        (RegistrationResponse _, HttpClient host) = await s.HostAsync("production");
        List<InventoryObject> inventory = Fleet.Inventory((100, 0));

        await host.CheckInAsync(inventory);
        await host.CheckInAsync(null, InventoryDigest.Compute(inventory));
        await host.CheckInAsync(null, InventoryDigest.Compute(inventory));
        Assert.True((await host.CheckInAsync(null, InventoryDigest.Compute(Fleet.Inventory((100, 1))))).InventoryRequired);
        await (await host.PostCheckInAsync(inventory, digest: InventoryDigest.Compute([]))).ProblemAsync(400);
        await (await s.Anonymous.PostCheckInAsync(inventory)).ProblemAsync(401);

        string metrics = await (await s.Anonymous.GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Equal(4, Value(metrics, "suture_checkins_total{status=\"200\"}"));
        Assert.Equal(1, Value(metrics, "suture_checkins_total{status=\"400\"}"));
        Assert.Equal(1, Value(metrics, "suture_checkins_total{status=\"401\"}"));
        Assert.Equal(6, Value(metrics, "suture_checkin_duration_seconds_count"));
        Assert.True(Value(metrics, "suture_checkin_duration_seconds_sum") > 0);
        Assert.Equal(1, Value(metrics, "suture_checkin_inventories_stored_total"));
        Assert.Equal(1, Value(metrics, "suture_checkin_inventory_required_total"));
        Assert.Equal(1, Value(metrics, "suture_registrations_total{status=\"200\"}"));
        Assert.Equal(1, Value(metrics, "suture_hosts_registered"));
        Assert.True(Value(metrics, "process_cpu_seconds_total") > 0, metrics);
    }

    [Fact]
    public async Task The_last_check_in_time_and_agent_version_are_kept_by_the_fast_path()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        (RegistrationResponse registered, HttpClient host) = await s.HostAsync("production");
        List<InventoryObject> inventory = Fleet.Inventory((100, 0));
        await host.CheckInAsync(inventory);
        s.Time.Advance(TimeSpan.FromMinutes(5));

        await host.PostJsonAsync("/api/v1/checkin", new CheckInRequest
        {
            InventoryDigest = InventoryDigest.Compute(inventory), Objects = null, Results = [], AgentVersion = "test-agent 2",
        });
        await host.PostJsonAsync("/api/v1/checkin", new CheckInRequest
        {
            InventoryDigest = InventoryDigest.Compute(inventory), Objects = null, Results = [], AgentVersion = null,
        });

        HostInfo info = await (await s.Admin.GetAsync($"/api/v1/hosts/{registered.HostId}")).ReadAsync<HostInfo>();
        Assert.Equal((s.Time.GetUtcNow(), "test-agent 2"), (info.LastCheckIn, info.AgentVersion));
    }

    internal static double Value(string metrics, string series)
    {
        Match m = Regex.Match(metrics, "^" + Regex.Escape(series) + " ([^ \\n]+)$", RegexOptions.Multiline);
        Assert.True(m.Success, $"{series} is not in the metrics:\n{metrics}");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}

public sealed class OperationsTestsOnSqlite() : OperationsTests(new SqliteDatabase())
{
    [Fact]
    public async Task Readiness_fails_with_a_reason_while_the_database_file_is_gone()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase());
        string file = Path.Combine(s.DataDirectory, "suture.db");
        string aside = file + ".aside";
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string suffix in new[] { "", "-wal", "-shm" }.Where(x => File.Exists(file + x)))
        {
            File.Move(file + suffix, aside + suffix);
        }

        ProblemResponse problem = await (await s.Anonymous.GetAsync("/readyz")).ProblemAsync(503);
        Assert.Equal(ProblemTypes.NotReady, problem.Type);
        Assert.Contains("database (sqlite): cannot connect", problem.Detail);
        Assert.Equal("ok\n", await (await s.Anonymous.GetAsync("/healthz")).Content.ReadAsStringAsync());
    }
}

[Collection(PostgresTests.Name)]
public sealed class OperationsTestsOnPostgres(PostgresCluster cluster) : OperationsTests(new PostgresDatabase(cluster))
{
    [Fact]
    public async Task Readiness_fails_with_a_reason_while_the_database_is_gone()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(new PostgresDatabase(cluster));
        string name = s.App.Services.GetRequiredService<Suture.Server.Configuration.ServerSettings>().ConnectionString!.Split(';')
            .Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
        await using (var c = new Npgsql.NpgsqlConnection(cluster.ConnectionString("postgres")))
        {
            await c.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE {name} WITH (FORCE)", c);
            await drop.ExecuteNonQueryAsync();
        }

        ProblemResponse problem = await (await s.Anonymous.GetAsync("/readyz")).ProblemAsync(503);
        Assert.Equal(ProblemTypes.NotReady, problem.Type);
        Assert.Contains("database", problem.Detail);
        Assert.Equal("ok\n", await (await s.Anonymous.GetAsync("/healthz")).Content.ReadAsStringAsync());
    }
}
