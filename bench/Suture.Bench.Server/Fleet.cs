using Microsoft.EntityFrameworkCore;
using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server;
using Suture.Server.Auth;
using Suture.Server.Data;
using Suture.Server.Data.Entities;

namespace Suture.Bench.Server;

/// <summary>
/// The simulated fleet: N hosts registered in one feed, each with the same inventory (one library
/// mapped by two processes that run level 1 of its patch, which the feed deploys): the steady state
/// of a patched fleet, where a check-in sends only the digest and the server still runs the whole
/// directive planning (feed patches, the host's processes) to answer "nothing to do". Written with
/// the server's own data layer, as registration and a first check-in would leave it (without their
/// audit entries: registering 100,000 hosts through the API would take longer than the
/// measurement), in bulk.
/// </summary>
internal sealed class Fleet(List<string> tokens, string digest)
{
    public const string BuildId = "b3c1e0d2a4f6b8c0d2e4f6a8b0c2d4e6f8a0b2c4";

    public IReadOnlyList<string> Tokens { get; } = tokens;

    public string Digest { get; } = digest;

    public static List<InventoryObject> Inventory() =>
        [new InventoryObject(BuildId, "/usr/lib/x86_64-linux-gnu/libbench.so.1", "libbench1", "1.0-1",
            [new InventoryProcess(812, "nginx", 1, "bench-fix-1"), new InventoryProcess(813, "nginx", 1, "bench-fix-1")])];

    public static async Task<Fleet> SeedAsync(string[] settings, int hosts, CancellationToken ct)
    {
        await using WebApplication tool = ServerApp.Build(settings, say: Console.Error.WriteLine, tool: true);
        await ServerApp.PrepareAsync(tool, Console.Error.WriteLine, ct);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string digest = InventoryDigest.Compute(Inventory());
        long feedId;
        long keyId;
        using (IServiceScope scope = tool.Services.CreateScope())
        {
            ServerDb db = scope.ServiceProvider.GetRequiredService<ServerDb>();
            var feed = new Feed { Name = "bench", ApprovalMode = ApprovalMode.Manual, DelaySeconds = 0, Created = now };
            db.Feeds.Add(feed);
            await db.SaveChangesAsync(ct);
            string key = Secrets.New(Secrets.KeyPrefix);
            var registrationKey = new RegistrationKey { KeyHash = Secrets.Hash(key), Prefix = Secrets.Visible(key), FeedId = feed.Id, Description = "bench", HostCount = hosts, Created = now };
            db.RegistrationKeys.Add(registrationKey);
            var patch = new Patch
            {
                Sha256 = new string('b', 64), PatchId = "bench-fix-1", BuildId = BuildId, ObjectName = "/usr/lib/x86_64-linux-gnu/libbench.so.1",
                Level = 1, Size = 4, Uploaded = now, Signature = "bench", Cves = [new PatchCve { Cve = "CVE-2026-0001" }],
            };
            db.Patches.Add(patch);
            await db.SaveChangesAsync(ct);
            db.PatchContents.Add(new PatchContent { PatchId = patch.Id, Data = [1, 2, 3, 4] });
            db.FeedPatches.Add(new FeedPatch { FeedId = feed.Id, PatchId = patch.Id, State = FeedPatchState.Enabled, Approved = now.AddDays(-1), Changed = now });
            await db.SaveChangesAsync(ct);
            (feedId, keyId) = (feed.Id, registrationKey.Id);
        }

        // In bulk (BulkInsert), one transaction: 100,000 hosts (five rows each) in seconds, not
        // the many minutes the change tracker needs.
        var tokens = new List<string>(hosts);
        var hostRows = new List<ManagedHost>(hosts);
        var tags = new List<HostTag>(hosts);
        var objects = new List<HostObject>(hosts);
        var processes = new List<HostProcess>(hosts * 2);
        List<InventoryObject> inventory = Inventory();
        for (int i = 0; i < hosts; i++)
        {
            string token = Secrets.New(Secrets.HostPrefix);
            tokens.Add(token);
            string id = Guid.NewGuid().ToString("N");
            hostRows.Add(new ManagedHost
            {
                Id = id, TokenHash = Secrets.Hash(token), Hostname = $"bench-{i:D7}", MachineId = $"bench-{i:D7}", FeedId = feedId, RegistrationKeyId = keyId,
                Registered = now, LastCheckIn = now, InventoryDigest = digest, AgentVersion = "bench 1",
            });
            tags.Add(new HostTag { HostId = id, Tag = "role=web" });
            foreach (InventoryObject o in inventory)
            {
                var row = new HostObject { Id = objects.Count + 1, HostId = id, BuildId = o.BuildId, Path = o.Path, Package = o.Package, Version = o.Version };
                objects.Add(row);
                processes.AddRange(o.Processes.Select(p => new HostProcess { HostObjectId = row.Id, Pid = p.Pid, Command = p.Command, Level = p.Level, PatchId = p.PatchId }));
            }
        }

        for (int i = 0; i < processes.Count; i++)
        {
            processes[i].Id = i + 1;
        }

        using (IServiceScope scope = tool.Services.CreateScope())
        {
            ServerDb db = scope.ServiceProvider.GetRequiredService<ServerDb>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await BulkInsert.RunAsync(db, hostRows, ct);
            await BulkInsert.RunAsync(db, tags, ct);
            await BulkInsert.RunAsync(db, objects, ct);
            await BulkInsert.RunAsync(db, processes, ct);
            await BulkInsert.ContinueIdentityAsync<HostObject>(db, ct);
            await BulkInsert.ContinueIdentityAsync<HostProcess>(db, ct);
            await transaction.CommitAsync(ct);
        }

        return new Fleet(tokens, digest);
    }
}
