using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.TestSupport;

namespace Suture.Server.Tests;

/// <summary><c>suture fleet ...</c> (the admin CLI) against a real server on loopback, pinned to its certificate.</summary>
public abstract class FleetCliTests(Database database)
{
    [Fact]
    public async Task The_cli_lists_approves_undeploys_reports_and_verifies_over_the_api()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        PatchInfo one = await s.UploadAsync(Fleet.Patch(1, cves: ["CVE-2026-3000"]));
        PatchInfo two = await s.UploadAsync(Fleet.Patch(2, cves: ["CVE-2026-3000"]));
        (RegistrationResponse host, HttpClient agent) = await s.HostAsync("production", "web-1");
        await agent.CheckInAsync(Fleet.Inventory((100, 0)));
        (TokenCreated reader, _) = await s.UserTokenAsync("reader", UserRole.ReadOnly);
        (TokenCreated op, _) = await s.UserTokenAsync("op", UserRole.Operator);
        string[] connect = ["--server", s.BaseAddress.ToString(), "--pin", s.Pin!];
        ToolResult Cli(string token, params string[] args) =>
            SutureCli.RunWith(new Dictionary<string, string> { ["SUTURE_TOKEN"] = token }, ["fleet", .. args, .. connect]);

        ToolResult hosts = Cli(reader.Token, "hosts");
        Assert.True(hosts.ExitCode == 0, hosts.ToString());
        Assert.Contains($"{host.HostId}  web-1  feed production", hosts.Stdout);
        ToolResult patches = Cli(reader.Token, "patches", "--cve", "CVE-2026-3000", "--json");
        Assert.Equal(2, System.Text.Json.JsonSerializer.Deserialize(patches.Stdout, ProtocolJsonContext.Default.IReadOnlyListPatchInfo)!.Count);

        ToolResult refused = Cli(reader.Token, "approve", "production", one.Sha256);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("403", refused.Stderr);
        Assert.Equal("", refused.Stdout);
        ToolResult approved = Cli(op.Token, "approve", "production", two.Sha256, "--up-to");
        Assert.True(approved.ExitCode == 0, approved.ToString());
        Assert.Contains("demo-fix-2 level 2  enabled", approved.Stdout);
        Assert.Equal(approved.Stdout, Cli(op.Token, "approve", "production", two.Sha256, "--up-to").Stdout); // idempotent

        ToolResult vulnerable = Cli(reader.Token, "report", "cve", "CVE-2026-3000");
        Assert.True(vulnerable.ExitCode == 15, vulnerable.ToString());
        Assert.Contains("CVE-2026-3000: 0 fixed, 0 partially fixed, 1 vulnerable, 0 not affected", vulnerable.Stdout);
        await agent.CheckInAsync(Fleet.Inventory((100, 2)));
        ToolResult fixedNow = Cli(reader.Token, "report", "cve", "CVE-2026-3000", "--csv");
        Assert.True(fixedNow.ExitCode == 0, fixedNow.ToString());
        Assert.StartsWith("cve,hostId,hostname,feed,state,fixedPids,vulnerablePids\n", fixedNow.Stdout);
        Assert.Contains(",fixed,100,\n", fixedNow.Stdout);
        Assert.Contains("applied 1", Cli(reader.Token, "report", "patch", two.Sha256).Stdout);
        Assert.Equal(0, Cli(reader.Token, "report", "silent").ExitCode);

        ToolResult undeploy = Cli(op.Token, "undeploy", "production", "--object", Fleet.BuildId);
        Assert.True(undeploy.ExitCode == 0, undeploy.ToString());
        Assert.Contains("level 2  undeployed", undeploy.Stdout);
        Assert.Equal(DirectiveAction.Revert, Assert.Single((await agent.CheckInAsync(Fleet.Inventory((100, 2)))).Directives).Action);

        ToolResult audit = Cli(reader.Token, "audit", "verify");
        Assert.True(audit.ExitCode == 0, audit.ToString());
        Assert.Matches("^audit log intact: [0-9]+ entries\n$", audit.Stdout);

        ToolResult wrongPin = SutureCli.RunWith(new Dictionary<string, string> { ["SUTURE_TOKEN"] = reader.Token }, "fleet", "hosts", "--server", s.BaseAddress.ToString(), "--pin", "sha256:" + new string('a', 64));
        Assert.Equal(1, wrongPin.ExitCode);
        Assert.Contains("--pin", wrongPin.Stderr);
        ToolResult noToken = SutureCli.RunWith(new Dictionary<string, string> { ["SUTURE_TOKEN"] = "suta_revoked-or-unknown" }, ["fleet", "hosts", .. connect]);
        Assert.Equal(4, noToken.ExitCode);
        Assert.Contains("401", noToken.Stderr);
        Assert.Equal(2, SutureCli.Run("fleet", "hosts", "--server", "ftp://x", "--token", "t").ExitCode);
    }

    [Fact]
    public async Task The_cli_lists_feeds_in_tier_order_and_promotes_into_the_next_tier()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("test");
        await s.FeedAsync("production", ApprovalMode.Manual, delayHours: 12, promotesFrom: "test");
        PatchInfo one = await s.UploadAsync(Fleet.Patch(1));
        await s.DeployAsync("test", one.Sha256, "enable");
        (TokenCreated reader, _) = await s.UserTokenAsync("reader", UserRole.ReadOnly);
        (TokenCreated op, _) = await s.UserTokenAsync("op", UserRole.Operator);
        string[] connect = ["--server", s.BaseAddress.ToString(), "--pin", s.Pin!];
        ToolResult Cli(string token, params string[] args) =>
            SutureCli.RunWith(new Dictionary<string, string> { ["SUTURE_TOKEN"] = token }, ["fleet", .. args, .. connect]);

        ToolResult feeds = Cli(reader.Token, "feeds");
        Assert.True(feeds.ExitCode == 0, feeds.ToString());
        Assert.Equal(["tier 0  test  approval manual  delay 0 h  first tier  hosts 0", "tier 1  production  approval manual  delay 12 h  promoted from test  hosts 0"], feeds.Stdout.TrimEnd('\n').Split('\n'));
        Assert.Equal(4, Cli(reader.Token, "promote", "production").ExitCode);
        ToolResult promoted = Cli(op.Token, "promote", "production");
        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        Assert.Contains("production  demo-fix-1 level 1  enabled  deploys ", promoted.Stdout);
        Assert.Equal(promoted.Stdout, Cli(op.Token, "promote", "production", "--object", Fleet.BuildId).Stdout); // idempotent
        ToolResult first = Cli(op.Token, "promote", "test");
        Assert.Equal(1, first.ExitCode);
        Assert.Contains("409", first.Stderr);
    }
}

public sealed class FleetCliTestsOnSqlite() : FleetCliTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class FleetCliTestsOnPostgres(PostgresCluster cluster) : FleetCliTests(new PostgresDatabase(cluster));
