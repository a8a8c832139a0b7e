using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.TestSupport;

namespace Suture.Server.Tests;

/// <summary>
/// <c>suture-server backup FILE</c> while hosts check in, and <c>restore FILE</c> after the database
/// changed: the real program against the SQLite file of a running test server.
/// </summary>
public sealed class BackupTests
{
    [Fact]
    public async Task A_backup_taken_under_check_in_load_restores_the_fleet_intact()
    {
        using var data = new TempDirectory("suture-server");
        string backup = Path.Combine(data.Path, "backups", "fleet.db");
        Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
        var hosts = new List<(RegistrationResponse Host, List<InventoryObject> Inventory)>();
        long entriesAtBackup;
        await using (ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase(), dataDirectory: data.Path))
        {
            await s.FeedAsync("production");
            KeyCreated key = await s.KeyAsync("production");
            for (int i = 0; i < 12; i++)
            {
                RegistrationResponse host = await (await s.RegisterAsync(key.Key, machineId: $"machine{i}", hostname: $"web-{i}")).ReadAsync<RegistrationResponse>();
                List<InventoryObject> inventory = Fleet.Inventory((100 + i, 0));
                await s.Client(host.HostToken).CheckInAsync(inventory);
                hosts.Add((host, inventory));
            }

            // Hosts check in without pause, each check-in with a result (a row and an audit entry),
            // until the backup is done.
            using var stop = new CancellationTokenSource();
            long checkIns = 0;
            Task[] load = [.. hosts.Select(h => Task.Run(async () =>
            {
                HttpClient client = s.Client(h.Host.HostToken);
                while (!stop.IsCancellationRequested)
                {
                    ProcessResult result = new(Guid.NewGuid(), new string('a', 64), Fleet.BuildId, 100, ResultAction.Apply, ResultOutcome.Busy, "busy", s.Time.GetUtcNow());
                    await client.CheckInAsync(null, InventoryDigest.Compute(h.Inventory), [result]);
                    Interlocked.Increment(ref checkIns);
                }
            }))];
            Wait.Until(() => Interlocked.Read(ref checkIns) >= 20, TimeSpan.FromMinutes(2), "20 check-ins under load");

            long before = Interlocked.Read(ref checkIns);
            (int code, string output) = await ServerProcess.RunAsync("backup", backup, $"--Suture:DataDirectory={data.Path}");
            long during = Interlocked.Read(ref checkIns) - before;
            await stop.CancelAsync();
            await Task.WhenAll(load);

            Assert.True(code == 0, output);
            Assert.Contains($"suture-server backup: wrote {backup}", output);
            Assert.Contains("12 hosts", output);
            Assert.Contains("audit chain intact", output);
            Assert.True(during > 0, "no check-in completed while the backup ran: the backup blocked the server");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
            entriesAtBackup = long.Parse(System.Text.RegularExpressions.Regex.Match(output, @"(\d+) audit entries").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True((await s.VerifyAuditAsync()).Entries >= entriesAtBackup);

            (int again, string refused) = await ServerProcess.RunAsync("backup", backup, $"--Suture:DataDirectory={data.Path}");
            Assert.Equal(2, again);
            Assert.Contains("exists; give a new file name", refused);

            await s.FeedAsync("created-after-the-backup");
        }

        string notABackup = Path.Combine(data.Path, "backups", "notes.txt");
        await File.WriteAllTextAsync(notABackup, "not a database, but long enough to have a header that SQLite reads and refuses.......");
        (int wrong, string wrongOutput) = await ServerProcess.RunAsync("restore", notABackup, $"--Suture:DataDirectory={data.Path}");
        Assert.Equal(2, wrong);
        Assert.Contains("nothing was changed", wrongOutput);
        Assert.Empty(Directory.GetFiles(data.Path, "suture.db.before-restore-*"));

        (int restored, string restoreOutput) = await ServerProcess.RunAsync("restore", backup, $"--Suture:DataDirectory={data.Path}");
        Assert.True(restored == 0, restoreOutput);
        Assert.Contains("kept the database it replaces as", restoreOutput);
        Assert.Single(Directory.GetFiles(data.Path, "suture.db.before-restore-*"));

        await using (ServerUnderTest s = await ServerUnderTest.StartAsync(new SqliteDatabase(), dataDirectory: data.Path))
        {
            IReadOnlyList<FeedInfo> feeds = await (await s.Admin.GetAsync("/api/v1/feeds")).ReadAsync<IReadOnlyList<FeedInfo>>();
            Assert.Equal(["production"], feeds.Select(f => f.Name));
            Assert.Equal(12, (await (await s.Admin.GetAsync("/api/v1/hosts")).ReadAsync<IReadOnlyList<HostInfo>>()).Count);
            AuditVerification audit = await s.VerifyAuditAsync();
            Assert.True(audit.Valid, audit.Problem);
            Assert.Equal(entriesAtBackup, audit.Entries);
            foreach ((RegistrationResponse host, List<InventoryObject> inventory) in hosts)
            {
                CheckInResponse answer = await s.Client(host.HostToken).CheckInAsync(null, InventoryDigest.Compute(inventory));
                Assert.False(answer.InventoryRequired);
                Assert.Equal("production", answer.Feed);
            }
        }
    }
}
