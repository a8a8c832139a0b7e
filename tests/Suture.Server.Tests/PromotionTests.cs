using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

/// <summary>Ordered feeds (test, staging, production) and promotion from one tier to the next, with injected time.</summary>
public abstract class PromotionTests(Database database)
{
    [Fact]
    public async Task Promotion_brings_only_what_the_earlier_tier_deployed_and_the_later_tier_deploys_it_after_its_own_delay()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("test", ApprovalMode.Manual, delayHours: 2);
        FeedInfo production = await s.FeedAsync("production", ApprovalMode.Manual, delayHours: 24, promotesFrom: "test");
        (RegistrationResponse _, HttpClient host) = await s.HostAsync("production");
        List<InventoryObject> inventory = Fleet.Inventory((100, 0));
        PatchInfo level1 = await s.UploadAsync(Fleet.Patch(1));
        await s.UploadAsync(Fleet.Patch(2));
        await s.DeployAsync("test", level1.Sha256, "enable");

        Assert.Equal(("test", 1), (production.PromotesFrom, production.Tier));
        Assert.Empty(await s.PromoteAsync("production")); // level 1 is approved in test but waits for test's delay
        s.Time.Advance(TimeSpan.FromHours(2));
        IReadOnlyList<FeedPatchInfo> promoted = await s.PromoteAsync("production");
        IReadOnlyList<FeedPatchInfo> again = await s.PromoteAsync("production");

        FeedPatchInfo row = Assert.Single(promoted);
        Assert.Equal((level1.Sha256, FeedPatchState.Enabled, s.Time.GetUtcNow().AddHours(24)), (row.Sha256, row.State, row.Deploys));
        Assert.Equivalent(promoted, again, strict: true);
        AuditEntryInfo entry = Assert.Single(await s.AuditAsync(), e => e.Action == "feed.promote");
        Assert.Equal("production", entry.Subject);
        Assert.Contains($"{Fleet.BuildId}:1", entry.Details);
        Assert.Contains("\"from\":\"test\"", entry.Details);
        Assert.Empty((await host.CheckInAsync(inventory)).Directives);
        s.Time.Advance(TimeSpan.FromHours(24));
        ObjectDirective apply = Assert.Single((await host.CheckInAsync(inventory)).Directives);
        Assert.Equal((DirectiveAction.Apply, 1), (apply.Action, apply.Level));
    }

    [Fact]
    public async Task An_automatic_later_tier_takes_a_level_once_it_has_been_out_in_the_earlier_one_for_its_delay()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("test", ApprovalMode.Automatic, delayHours: 1);
        await s.FeedAsync("staging", ApprovalMode.Automatic, delayHours: 6, promotesFrom: "test");
        await s.FeedAsync("production", ApprovalMode.Manual, promotesFrom: "staging");
        (RegistrationResponse _, HttpClient stagingHost) = await s.HostAsync("staging", "s1");
        (RegistrationResponse _, HttpClient productionHost) = await s.HostAsync("production", "p1");
        List<InventoryObject> inventory = Fleet.Inventory((100, 0));
        DateTimeOffset uploaded = s.Time.GetUtcNow();

        PatchInfo level1 = await s.UploadAsync(Fleet.Patch(1));

        FeedPatchInfo staging = Assert.Single(await (await s.Admin.GetAsync("/api/v1/feeds/staging/patches")).ReadAsync<IReadOnlyList<FeedPatchInfo>>());
        Assert.Equal((level1.Sha256, uploaded.AddHours(1 + 6)), (staging.Sha256, staging.Deploys));
        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/feeds/production/patches")).ReadAsync<IReadOnlyList<FeedPatchInfo>>());
        Assert.Contains(await s.AuditAsync(), e => e.Action == "feed.promote.automatic" && e.Subject == "staging");
        s.Time.Advance(TimeSpan.FromHours(7) - TimeSpan.FromSeconds(1));
        Assert.Empty((await stagingHost.CheckInAsync(inventory)).Directives);
        s.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Assert.Single((await stagingHost.CheckInAsync(inventory)).Directives).Level);
        Assert.Empty((await productionHost.CheckInAsync(inventory)).Directives);

        // Production is manual: it takes level 1 only when promoted, and a level it undeployed stays undeployed.
        Assert.Equal(FeedPatchState.Enabled, Assert.Single(await s.PromoteAsync("production", Fleet.BuildId)).State);
        Assert.Equal(1, Assert.Single((await productionHost.CheckInAsync(inventory)).Directives).Level);
        await (await s.Admin.PostAsync($"/api/v1/feeds/production/objects/{Fleet.BuildId}/undeploy", null)).ReadAsync<IReadOnlyList<FeedPatchInfo>>();
        Assert.Equal(FeedPatchState.Undeployed, Assert.Single(await s.PromoteAsync("production")).State);
        Assert.True((await s.VerifyAuditAsync()).Valid);
    }

    [Fact]
    public async Task Feeds_are_listed_in_tier_order_and_tiers_never_form_a_loop()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("test");
        await s.FeedAsync("staging", promotesFrom: "test");
        await s.FeedAsync("production", promotesFrom: "staging");
        await s.FeedAsync("lab");

        IReadOnlyList<FeedInfo> feeds = await (await s.Admin.GetAsync("/api/v1/feeds")).ReadAsync<IReadOnlyList<FeedInfo>>();
        Assert.Equal([("lab", 0, null), ("test", 0, null), ("staging", 1, "test"), ("production", 2, "staging")], feeds.Select(f => (f.Name, f.Tier, f.PromotesFrom)));

        ProblemResponse loop = await (await s.Admin.PutJsonAsync("/api/v1/feeds/test", new FeedRequest(ApprovalMode.Manual, 0, "production"))).ProblemAsync(400);
        Assert.Equal(ProblemTypes.Validation, loop.Type);
        Assert.Contains("loop", loop.Detail);
        Assert.Equal(ProblemTypes.Validation, (await (await s.Admin.PutJsonAsync("/api/v1/feeds/test", new FeedRequest(ApprovalMode.Manual, 0, "test"))).ProblemAsync(400)).Type);
        Assert.Equal(ProblemTypes.Validation, (await (await s.Admin.PutJsonAsync("/api/v1/feeds/qa", new FeedRequest(ApprovalMode.Manual, 0, "nope"))).ProblemAsync(400)).Type);
        Assert.Equal(ProblemTypes.Conflict, (await (await s.Admin.PostAsync("/api/v1/feeds/test/promote", null)).ProblemAsync(409)).Type);
        Assert.Equal(ProblemTypes.NotFound, (await (await s.Admin.PostAsync("/api/v1/feeds/nope/promote", null)).ProblemAsync(404)).Type);
        Assert.Equal(ProblemTypes.Validation, (await (await s.Admin.PostAsync("/api/v1/feeds/staging/promote?buildId=XYZ", null)).ProblemAsync(400)).Type);
        (_, HttpClient reader) = await s.UserTokenAsync("reader", UserRole.ReadOnly);
        Assert.Equal(ProblemTypes.Forbidden, (await (await reader.PostAsync("/api/v1/feeds/staging/promote", null)).ProblemAsync(403)).Type);
        int entries = (await s.AuditAsync()).Count;
        await s.FeedAsync("production", promotesFrom: "staging"); // unchanged: no audit entry
        Assert.Equal(entries, (await s.AuditAsync()).Count);
        Assert.Null((await s.FeedAsync("production")).PromotesFrom);
    }
}

public sealed class PromotionTestsOnSqlite() : PromotionTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class PromotionTestsOnPostgres(PostgresCluster cluster) : PromotionTests(new PostgresDatabase(cluster));
