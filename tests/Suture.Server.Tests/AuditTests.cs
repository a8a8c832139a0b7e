using Microsoft.EntityFrameworkCore;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

public abstract class AuditTests(Database database)
{
    [Fact]
    public async Task The_audit_chain_verifies_and_an_edited_entry_is_found()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        KeyCreated key = await s.KeyAsync("production");
        await s.RegisterAsync(key.Key);
        await s.UploadAsync(Fleet.Patch(1));
        IReadOnlyList<AuditEntryInfo> entries = await s.AuditAsync();
        Assert.Equal(["token.create", "feed.create", "key.create", "host.register", "patch.upload"], entries.Select(e => e.Action));
        Assert.Equal(entries.Select(e => e.Id), Enumerable.Range(1, entries.Count).Select(i => (long)i));
        Assert.All(entries.Skip(1), e => Assert.Equal(entries[(int)e.Id - 2].Hash, e.PreviousHash));
        Assert.Equal("127.0.0.1", entries[1].Remote);
        Assert.Equal(new AuditVerification(true, 5, null, null), await s.VerifyAuditAsync());

        string forged = "{\"hostLimit\":\"1000\"}";
        await s.WithDatabaseAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Details\" = {forged} WHERE \"Id\" = 3"));
        AuditVerification edited = await s.VerifyAuditAsync();

        Assert.False(edited.Valid);
        Assert.Equal(3, edited.FirstBadEntry);
        Assert.Contains("changed", edited.Problem);
    }

    [Fact]
    public async Task Rewriting_an_entry_with_a_fresh_hash_breaks_the_link_to_the_next_and_a_removed_entry_leaves_a_gap()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("a");
        await s.FeedAsync("b");
        await s.FeedAsync("c");
        IReadOnlyList<AuditEntryInfo> entries = await s.AuditAsync();

        string forged = new('f', 64);
        await s.WithDatabaseAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Hash\" = {forged} WHERE \"Id\" = 2"));
        AuditVerification relinked = await s.VerifyAuditAsync();
        string original = entries[1].Hash;
        await s.WithDatabaseAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Hash\" = {original} WHERE \"Id\" = 2"));
        Assert.True((await s.VerifyAuditAsync()).Valid);
        await s.WithDatabaseAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEntries\" WHERE \"Id\" = 3"));
        AuditVerification gap = await s.VerifyAuditAsync();

        Assert.Equal(2, relinked.FirstBadEntry);
        Assert.Equal(4, gap.FirstBadEntry);
        Assert.Contains("missing", gap.Problem);
    }

    [Fact]
    public async Task The_server_refuses_to_change_an_audit_entry_through_its_own_data_layer()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);

        await s.WithDatabaseAsync(async db =>
        {
            var entry = await db.AuditEntries.SingleAsync();
            entry.Details = "{}";
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        });

        Assert.True((await s.VerifyAuditAsync()).Valid);
    }
}

public sealed class AuditTestsOnSqlite() : AuditTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class AuditTestsOnPostgres(PostgresCluster cluster) : AuditTests(new PostgresDatabase(cluster));

/// <summary>The <c>suture-server audit verify</c> command, run as the operator would, on the SQLite file.</summary>
public sealed class AuditCommandTests
{
    [Fact]
    public async Task Audit_verify_exits_0_on_an_intact_log_and_1_naming_the_entry_after_an_edit()
    {
        using var data = new Suture.TestSupport.TempDirectory("suture-server");
        await using (ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase(), dataDirectory: data.Path))
        {
            await s.FeedAsync("production");
            await s.FeedAsync("staging");
        }

        Suture.TestSupport.ToolResult intact = Verify(data.Path);
        await using (ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase(), dataDirectory: data.Path))
        {
            await s.WithDatabaseAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Subject\" = {"prod"} WHERE \"Id\" = 2"));
        }

        Suture.TestSupport.ToolResult broken = Verify(data.Path);

        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("audit log intact: 3 entries", intact.Stdout);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("broken at entry 2", broken.Stdout);
    }

    private static Suture.TestSupport.ToolResult Verify(string dataDirectory) =>
        Suture.TestSupport.Tool.Run("dotnet", [typeof(ServerApp).Assembly.Location, "audit", "verify", $"--Suture:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=None"]);
}
