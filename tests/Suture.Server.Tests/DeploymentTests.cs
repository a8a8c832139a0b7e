using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

public abstract class DeploymentTests(Database database)
{
    [Fact]
    public async Task An_approved_patch_reaches_the_feed_only_after_its_delay()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production", ApprovalMode.Manual, delayHours: 24);
        (RegistrationResponse _, HttpClient host) = await s.HostAsync("production");
        List<InventoryObject> inventory = Fleet.Inventory((100, 0), (200, 0));
        PatchInfo patch = await s.UploadAsync(Fleet.Patch(1));
        Assert.Empty((await host.CheckInAsync(inventory)).Directives);

        FeedPatchInfo approved = Assert.Single(await s.DeployAsync("production", patch.Sha256, "enable"));
        Assert.Equal(s.Time.GetUtcNow().AddHours(24), approved.Deploys);
        Assert.Empty((await host.CheckInAsync(null, InventoryDigest.Compute(inventory))).Directives);
        s.Time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.Empty((await host.CheckInAsync(null, InventoryDigest.Compute(inventory))).Directives);
        s.Time.Advance(TimeSpan.FromSeconds(1));
        CheckInResponse due = await host.CheckInAsync(null, InventoryDigest.Compute(inventory));

        ObjectDirective directive = Assert.Single(due.Directives);
        Assert.Equal((Fleet.BuildId, DirectiveAction.Apply, 1), (directive.BuildId, directive.Action, directive.Level));
        Assert.Equal([100, 200], directive.Pids);
        Assert.Equal(patch.Sha256, directive.Patch!.Sha256);
        byte[] downloaded = await (await host.GetAsync(directive.Patch.Url)).Content.ReadAsByteArrayAsync();
        Assert.Equal(directive.Patch.Sha256, Fleet.Sha256(downloaded));
        Assert.Equal(directive.Patch.Size, downloaded.Length);
        Assert.Empty((await host.CheckInAsync(Fleet.Inventory((100, 1), (200, 1)))).Directives);
    }

    [Fact]
    public async Task An_automatic_feed_deploys_every_upload_after_its_delay_and_a_manual_feed_waits_for_approval()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("test", ApprovalMode.Automatic, delayHours: 2);
        await s.FeedAsync("production", ApprovalMode.Manual);
        (RegistrationResponse _, HttpClient testHost) = await s.HostAsync("test", "t1");
        (RegistrationResponse _, HttpClient prodHost) = await s.HostAsync("production", "p1");
        List<InventoryObject> inventory = Fleet.Inventory((100, 0));
        await s.UploadAsync(Fleet.Patch(1));

        Assert.Empty((await testHost.CheckInAsync(inventory)).Directives);
        s.Time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(DirectiveAction.Apply, Assert.Single((await testHost.CheckInAsync(inventory)).Directives).Action);
        Assert.Empty((await prodHost.CheckInAsync(inventory)).Directives);
    }

    [Fact]
    public async Task Undeploy_down_to_reaches_a_host_at_its_next_check_in()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        (RegistrationResponse _, HttpClient host) = await s.HostAsync("production");
        PatchInfo level1 = await s.UploadAsync(Fleet.Patch(1));
        PatchInfo level2 = await s.UploadAsync(Fleet.Patch(2));
        PatchInfo level3 = await s.UploadAsync(Fleet.Patch(3));
        IReadOnlyList<FeedPatchInfo> enabled = await s.DeployAsync("production", level2.Sha256, "enable-up-to");
        Assert.Equal([FeedPatchState.Enabled, FeedPatchState.Enabled], enabled.Select(e => e.State));
        List<InventoryObject> atTwo = Fleet.Inventory((100, 2), (200, 2), (300, 0));
        ObjectDirective catchUp = Assert.Single((await host.CheckInAsync(atTwo)).Directives);
        Assert.Equal((DirectiveAction.Apply, 2), (catchUp.Action, catchUp.Level));
        Assert.Equal([300], catchUp.Pids);

        IReadOnlyList<FeedPatchInfo> undeployed = await s.DeployAsync("production", level1.Sha256, "undeploy-down-to");
        Assert.Equivalent(undeployed, await s.DeployAsync("production", level1.Sha256, "undeploy-down-to"), strict: true);
        CheckInResponse next = await host.CheckInAsync(null, InventoryDigest.Compute(atTwo));

        Assert.Equal([(1, FeedPatchState.Enabled), (2, FeedPatchState.Undeployed), (3, FeedPatchState.Undeployed)], undeployed.Select(e => (e.Level, e.State)));
        Assert.Equal(2, next.Directives.Count);
        ObjectDirective revert = next.Directives.Single(d => d.Action == DirectiveAction.Revert);
        Assert.Equal((1, level1.Sha256), (revert.Level, revert.Patch?.Sha256));
        Assert.Equal([100, 200], revert.Pids);
        Assert.Equal([300], next.Directives.Single(d => d.Action == DirectiveAction.Apply).Pids);
        await s.DeployAsync("production", level3.Sha256, "enable");
        Assert.Equal(3, Assert.Single((await host.CheckInAsync(Fleet.Inventory((100, 1), (200, 1), (300, 1)))).Directives).Level);
        await s.DeployAsync("production", level1.Sha256, "undeploy-down-to");

        await (await s.Admin.PostAsync($"/api/v1/feeds/production/objects/{Fleet.BuildId}/undeploy", null)).ReadAsync<IReadOnlyList<FeedPatchInfo>>();
        ObjectDirective toOriginal = Assert.Single((await host.CheckInAsync(Fleet.Inventory((100, 1), (200, 1), (300, 0)))).Directives);
        Assert.Equal((DirectiveAction.Revert, 0, null), (toOriginal.Action, toOriginal.Level, toOriginal.Patch));
        Assert.Equal([100, 200], toOriginal.Pids);
        Assert.Empty((await host.CheckInAsync(Fleet.Inventory((100, 0), (200, 0), (300, 0)))).Directives);
        Assert.Equal(["feed.enable-up-to", "feed.undeploy-down-to", "feed.enable", "feed.undeploy-down-to", "feed.undeploy"],
            (await s.AuditAsync()).Where(e => e.Action.StartsWith("feed.", StringComparison.Ordinal) && e.Action != "feed.create").Select(e => e.Action));
    }

    [Fact]
    public async Task Enable_up_to_approves_that_level_and_every_lower_one_but_no_higher_one_after_the_delay()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production", ApprovalMode.Manual, delayHours: 1);
        (RegistrationResponse _, HttpClient host) = await s.HostAsync("production");
        PatchInfo level1 = await s.UploadAsync(Fleet.Patch(1));
        PatchInfo level2 = await s.UploadAsync(Fleet.Patch(2));
        await s.UploadAsync(Fleet.Patch(3));
        await s.DeployAsync("production", level1.Sha256, "disable");
        List<InventoryObject> inventory = Fleet.Inventory((100, 0), (200, 1));

        IReadOnlyList<FeedPatchInfo> enabled = await s.DeployAsync("production", level2.Sha256, "enable-up-to");
        IReadOnlyList<FeedPatchInfo> again = await s.DeployAsync("production", level2.Sha256, "enable-up-to");

        Assert.Equal([(1, FeedPatchState.Enabled), (2, FeedPatchState.Enabled)], enabled.Select(e => (e.Level, e.State)));
        Assert.All(enabled, e => Assert.Equal(s.Time.GetUtcNow().AddHours(1), e.Deploys));
        Assert.Equivalent(enabled, again, strict: true);
        Assert.Single(await s.AuditAsync(), e => e.Action == "feed.enable-up-to");
        Assert.Empty((await host.CheckInAsync(inventory)).Directives);
        s.Time.Advance(TimeSpan.FromHours(1));
        ObjectDirective directive = Assert.Single((await host.CheckInAsync(inventory)).Directives);
        Assert.Equal((DirectiveAction.Apply, 2, level2.Sha256), (directive.Action, directive.Level, directive.Patch!.Sha256));
        Assert.Equal([100, 200], directive.Pids);
    }

    [Fact]
    public async Task A_disabled_level_is_kept_where_it_runs_but_not_offered()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        (RegistrationResponse _, HttpClient host) = await s.HostAsync("production");
        PatchInfo level1 = await s.UploadAsync(Fleet.Patch(1));
        PatchInfo level2 = await s.UploadAsync(Fleet.Patch(2));
        await s.DeployAsync("production", level2.Sha256, "enable-up-to");

        await s.DeployAsync("production", level2.Sha256, "disable");
        ObjectDirective directive = Assert.Single((await host.CheckInAsync(Fleet.Inventory((100, 2), (200, 0)))).Directives);

        Assert.Equal((DirectiveAction.Apply, 1, level1.Sha256), (directive.Action, directive.Level, directive.Patch!.Sha256));
        Assert.Equal([200], directive.Pids);
    }

    [Fact]
    public async Task A_check_in_is_idempotent_and_an_unchanged_host_sends_only_its_digest()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        (RegistrationResponse registered, HttpClient host) = await s.HostAsync("production");
        List<InventoryObject> inventory = Fleet.Inventory((100, 0));
        string digest = InventoryDigest.Compute(inventory);
        CheckInResponse unknown = await host.CheckInAsync(null, digest);
        Assert.True(unknown.InventoryRequired);
        await host.CheckInAsync(inventory);
        var result = new ProcessResult(Guid.NewGuid(), new string('a', 64), Fleet.BuildId, 100, ResultAction.Apply, ResultOutcome.Busy, "thread 101 kept running parse", s.Time.GetUtcNow());

        CheckInResponse first = await host.CheckInAsync(null, digest, [result]);
        int entries = (await s.AuditAsync()).Count;
        CheckInResponse second = await host.CheckInAsync(null, digest, [result]);

        Assert.False(first.InventoryRequired);
        Assert.Equivalent(first, second, strict: true);
        Assert.Equal(1, second.ResultsAccepted);
        Assert.Equal(entries, (await s.AuditAsync()).Count);
        AuditEntryInfo busy = Assert.Single(await s.AuditAsync(), e => e.Action == "host.apply.busy");
        Assert.Equal($"host:{registered.HostId}", busy.Actor);
        Assert.Contains("thread 101", busy.Details);
        ProblemResponse mismatch = await (await host.PostCheckInAsync(inventory, "sha256:" + new string('0', 64))).ProblemAsync(400);
        Assert.Equal(ProblemTypes.Validation, mismatch.Type);
    }
}

public sealed class DeploymentTestsOnSqlite() : DeploymentTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class DeploymentTestsOnPostgres(PostgresCluster cluster) : DeploymentTests(new PostgresDatabase(cluster));
