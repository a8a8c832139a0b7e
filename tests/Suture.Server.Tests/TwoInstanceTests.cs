using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

/// <summary>
/// Two server instances on one PostgreSQL database serve one fleet: the server keeps no state of
/// its own beyond the database, so whatever one instance did, the other sees at once.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class TwoInstanceTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Two_instances_sharing_one_PostgreSQL_database_serve_the_same_fleet()
    {
        Dictionary<string, string> shared = await new PostgresDatabase(cluster).SettingsAsync();
        await using ServerUnderTest a = await ServerUnderTest.StartAsync(new PostgresDatabase(cluster), shared);
        await using ServerUnderTest b = await ServerUnderTest.StartAsync(new PostgresDatabase(cluster), shared);
        HttpClient adminB = b.Client(a.AdminToken); // the token a created is valid on b
        Assert.Equal("", b.AdminToken); // b found an admin and created none

        // Register through a, check in through b.
        await a.FeedAsync("production");
        KeyCreated key = await a.KeyAsync("production");
        RegistrationResponse host = await (await a.RegisterAsync(key.Key, machineId: "m1")).ReadAsync<RegistrationResponse>();
        List<InventoryObject> inventory = Fleet.Inventory((100, 0));
        CheckInResponse first = await b.Client(host.HostToken).CheckInAsync(inventory);
        Assert.Equal(("production", 0), (first.Feed, first.Directives.Count));

        // Upload and approve through a; b gives the host the directive.
        PatchInfo patch = await a.UploadAsync(Fleet.Patch(1));
        await a.DeployAsync("production", patch.Sha256, "enable");
        ObjectDirective directive = Assert.Single((await b.Client(host.HostToken).CheckInAsync(null, InventoryDigest.Compute(inventory))).Directives);
        Assert.Equal((DirectiveAction.Apply, 1, patch.Sha256), (directive.Action, directive.Level, directive.Patch!.Sha256));
        HostInfo seen = await (await adminB.GetAsync($"/api/v1/hosts/{host.HostId}")).ReadAsync<HostInfo>();
        Assert.Equal(b.Time.GetUtcNow(), seen.LastCheckIn);

        // Undeploy through b; a sends the host back.
        (await adminB.PostAsync($"/api/v1/feeds/production/objects/{Fleet.BuildId}/undeploy", null)).EnsureSuccessStatusCode();
        List<InventoryObject> patched = Fleet.Inventory((100, 1));
        ObjectDirective revert = Assert.Single((await a.Client(host.HostToken).CheckInAsync(patched)).Directives);
        Assert.Equal((DirectiveAction.Revert, 0), (revert.Action, revert.Level));

        // Many hosts check in against both at once, each with results (rows and audit entries):
        // every result is stored once and the audit chain stays one chain.
        List<RegistrationResponse> fleet = [];
        for (int i = 0; i < 16; i++)
        {
            ServerUnderTest via = i % 2 == 0 ? a : b;
            fleet.Add(await (await via.RegisterAsync(key.Key, machineId: $"m{i + 2}", hostname: $"web-{i + 2}")).ReadAsync<RegistrationResponse>());
        }

        int rounds = 6;
        await Task.WhenAll(fleet.SelectMany((h, i) => new[] { a, b }.Select((server, side) => Task.Run(async () =>
        {
            HttpClient client = server.Client(h.HostToken);
            for (int round = 0; round < rounds; round++)
            {
                ProcessResult result = new(Guid.NewGuid(), patch.Sha256, Fleet.BuildId, 1000 + i, ResultAction.Apply, ResultOutcome.Succeeded, $"side {side} round {round}", a.Time.GetUtcNow());
                CheckInResponse answer = await client.CheckInAsync(Fleet.Inventory((1000 + i, round % 2)), results: [result]);
                Assert.Equal(1, answer.ResultsAccepted);
            }
        }))));

        AuditVerification viaA = await a.VerifyAuditAsync();
        AuditVerification viaB = await (await adminB.GetAsync("/api/v1/audit/verify")).ReadAsync<AuditVerification>();
        Assert.True(viaA.Valid, viaA.Problem);
        Assert.Equal(viaA.Entries, viaB.Entries);
        int results = 0;
        await a.WithDatabaseAsync(async db => results = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.HostResults));
        Assert.Equal(fleet.Count * 2 * rounds, results);
        IReadOnlyList<HostInfo> hostsA = await (await a.Admin.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>();
        IReadOnlyList<HostInfo> hostsB = await (await adminB.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>();
        Assert.Equal(17, hostsA.Count);
        Assert.Equal(hostsA.OrderBy(h => h.Id).Select(h => (h.Id, h.LastCheckIn)), hostsB.OrderBy(h => h.Id).Select(h => (h.Id, h.LastCheckIn)));
        int objects = 0;
        await b.WithDatabaseAsync(async db => objects = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.HostObjects));
        Assert.Equal(17, objects); // each host's inventory once, though both instances replaced it concurrently
    }
}
