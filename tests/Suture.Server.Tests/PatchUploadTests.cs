using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

public abstract class PatchUploadTests(Database database)
{
    [Fact]
    public async Task A_valid_patch_is_stored_as_its_reader_describes_it_and_uploading_it_again_changes_nothing()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        byte[] patch = Fleet.Patch(2, cves: ["CVE-2026-1234", "CVE-2026-1235"]);

        HttpResponseMessage first = await s.PostPatchAsync(patch, "package=libdemo1&version=1.2-3");
        PatchInfo info = await first.ReadAsync<PatchInfo>();
        long entries = (await s.VerifyAuditAsync()).Entries;
        HttpResponseMessage second = await s.PostPatchAsync(patch);

        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equivalent(info, await second.ReadAsync<PatchInfo>(), strict: true);
        Assert.Equal(Fleet.Sha256(patch), info.Sha256);
        Assert.Equal(Fleet.BuildId, info.BuildId);
        Assert.Equal("/usr/lib/libdemo.so.1", info.ObjectName);
        Assert.Equal("demo-fix-2", info.Id);
        Assert.Equal(2, info.Level);
        Assert.Equal(["CVE-2026-1234", "CVE-2026-1235"], info.Cves);
        Assert.Equal(("libdemo1", "1.2-3"), (info.Package, info.Version));
        Assert.Equal(patch.Length, info.Size);
        Assert.Equal($"{ServerTrust.KeyId} ({ServerTrust.Name})", info.Signature);
        Assert.Equal(entries, (await s.VerifyAuditAsync()).Entries);
        Assert.Single(await (await s.Admin.GetAsync("/api/v1/patches")).ReadAsync<IReadOnlyList<PatchInfo>>());
        Assert.Equal(patch, await (await s.Admin.GetAsync($"/api/v1/patches/{info.Sha256}/content")).Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Corrupt_truncated_and_foreign_uploads_are_refused_and_change_nothing()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        long entries = (await s.VerifyAuditAsync()).Entries;
        byte[] flipped = Fleet.Patch(1);
        flipped[flipped.Length / 2] ^= 0x40;
        byte[] truncated = Fleet.Patch(1)[..^7];

        foreach (byte[] bad in new[] { flipped, truncated, "not a patch at all"u8.ToArray(), [] })
        {
            ProblemResponse problem = await (await s.PostPatchAsync(bad)).ProblemAsync(422);
            Assert.Equal(ProblemTypes.InvalidPatch, problem.Type);
            Assert.Contains("uploaded patch", problem.Detail);
        }

        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/patches")).ReadAsync<IReadOnlyList<PatchInfo>>());
        Assert.Equal(entries, (await s.VerifyAuditAsync()).Entries);
    }

    [Fact]
    public async Task Unsigned_unknown_key_and_tampered_uploads_are_refused_with_the_reason_and_change_nothing()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        long entries = (await s.VerifyAuditAsync()).Entries;
        byte[] tampered = Fleet.Patch(1);
        tampered[tampered.AsSpan().IndexOf("CODE"u8) + 12] ^= 0x01; // the first byte of the code
        System.Security.Cryptography.SHA256.HashData(tampered.AsSpan(0, tampered.Length - 32), tampered.AsSpan(tampered.Length - 32)); // a valid checksum again

        (byte[] Patch, string Reason)[] cases =
        [
            (Fleet.UnsignedPatch(1), "the uploaded patch is not signed"),
            (ServerTrust.SignByStranger(Fleet.UnsignedPatch(1)), $"which is not in the trust directory {ServerTrust.Directory}"),
            (tampered, $"the signature of key {ServerTrust.KeyId} ('{ServerTrust.Name}') does not match the file's content"),
        ];
        foreach ((byte[] patch, string reason) in cases)
        {
            ProblemResponse problem = await (await s.PostPatchAsync(patch)).ProblemAsync(422);
            Assert.Equal(ProblemTypes.InvalidPatch, problem.Type);
            Assert.Equal("Signature refused", problem.Title);
            Assert.Contains(reason, problem.Detail);
        }

        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/patches")).ReadAsync<IReadOnlyList<PatchInfo>>());
        Assert.Equal(entries, (await s.VerifyAuditAsync()).Entries);
    }

    [Fact]
    public async Task A_server_without_its_trust_directory_refuses_every_upload_naming_it()
    {
        using var missing = new TestSupport.TempDirectory();
        string directory = missing.File("trusted-keys");
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database, new() { ["Suture:TrustDirectory"] = directory });

        ProblemResponse problem = await (await s.PostPatchAsync(Fleet.Patch(1))).ProblemAsync(422);

        Assert.Contains($"trust directory {directory} does not exist", problem.Detail);
        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/patches")).ReadAsync<IReadOnlyList<PatchInfo>>());
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_gets_413()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database, new() { ["Suture:MaxPatchSize"] = "4096" });

        ProblemResponse problem = await (await s.PostPatchAsync(new byte[5000])).ProblemAsync(413);

        Assert.Equal(ProblemTypes.TooLarge, problem.Type);
        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/patches")).ReadAsync<IReadOnlyList<PatchInfo>>());
    }

    [Fact]
    public async Task A_different_patch_with_a_level_already_taken_is_a_conflict()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        PatchInfo stored = await s.UploadAsync(Fleet.Patch(1));

        ProblemResponse problem = await (await s.PostPatchAsync(Fleet.Patch(1, id: "other-fix"))).ProblemAsync(409);

        Assert.Equal(ProblemTypes.Conflict, problem.Type);
        Assert.Contains(stored.Sha256, problem.Detail);
        Assert.Single(await (await s.Admin.GetAsync("/api/v1/patches")).ReadAsync<IReadOnlyList<PatchInfo>>());
    }

    [Fact]
    public async Task Management_needs_an_admin_token_and_hosts_get_only_what_their_feed_offers()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        await s.FeedAsync("production");
        (RegistrationResponse _, HttpClient host) = await s.HostAsync("production");
        PatchInfo patch = await s.UploadAsync(Fleet.Patch(1));

        Assert.Equal(ProblemTypes.Unauthorized, (await (await s.PostPatchAsync(Fleet.Patch(2), client: s.Anonymous)).ProblemAsync(401)).Type);
        Assert.Equal(ProblemTypes.Forbidden, (await (await s.PostPatchAsync(Fleet.Patch(2), client: host)).ProblemAsync(403)).Type);
        Assert.Equal(ProblemTypes.Unauthorized, (await (await s.Client("suta_forged").GetAsync("/api/v1/feeds")).ProblemAsync(401)).Type);
        await (await host.GetAsync($"/api/v1/patches/{patch.Sha256}/content")).ProblemAsync(404);
        await s.DeployAsync("production", patch.Sha256, "enable");
        Assert.Equal(patch.Size, (await (await host.GetAsync($"/api/v1/patches/{patch.Sha256}/content")).Content.ReadAsByteArrayAsync()).Length);
        Assert.Single(await (await s.Admin.GetAsync("/api/v1/patches")).ReadAsync<IReadOnlyList<PatchInfo>>());
    }

    [Fact]
    public async Task Malformed_management_requests_get_problem_details_and_change_nothing()
    {
        await using ServerUnderTest s = await ServerUnderTest.StartAsync(database);
        long entries = (await s.VerifyAuditAsync()).Entries;
        using var notJson = new StringContent("{approvalMode: manual", System.Text.Encoding.UTF8, "application/json");
        using var badMode = new StringContent("{\"approvalMode\": \"sometimes\", \"delayHours\": 1}", System.Text.Encoding.UTF8, "application/json");

        Assert.Equal(ProblemTypes.Malformed, (await (await s.Admin.PutAsync("/api/v1/feeds/production", notJson)).ProblemAsync(400)).Type);
        Assert.Equal(ProblemTypes.Malformed, (await (await s.Admin.PutAsync("/api/v1/feeds/production", badMode)).ProblemAsync(400)).Type);
        Assert.Equal(ProblemTypes.Validation, (await (await s.Admin.PutJsonAsync("/api/v1/feeds/Bad%20Name", new FeedRequest(ApprovalMode.Manual, 0))).ProblemAsync(400)).Type);
        Assert.Equal(ProblemTypes.Validation, (await (await s.Admin.PutJsonAsync("/api/v1/feeds/production", new FeedRequest(ApprovalMode.Manual, -1))).ProblemAsync(400)).Type);
        Assert.Equal(ProblemTypes.NotFound, (await (await s.Admin.PostJsonAsync("/api/v1/keys", new KeyRequest("nowhere", "k", null))).ProblemAsync(404)).Type);
        using var wrongVersion = new HttpRequestMessage(HttpMethod.Get, "/api/v1/feeds");
        wrongVersion.Headers.Add(ProtocolVersion.HeaderName, "7");
        HttpClient plain = s.Client(s.AdminToken);
        plain.DefaultRequestHeaders.Remove(ProtocolVersion.HeaderName);
        Assert.Equal(ProblemTypes.UnsupportedVersion, (await (await plain.SendAsync(wrongVersion)).ProblemAsync(400)).Type);

        Assert.Empty(await (await s.Admin.GetAsync("/api/v1/feeds")).ReadAsync<IReadOnlyList<FeedInfo>>());
        Assert.Equal(entries, (await s.VerifyAuditAsync()).Entries);
    }
}

public sealed class PatchUploadTestsOnSqlite() : PatchUploadTests(new SqliteDatabase());

[Collection(PostgresTests.Name)]
public sealed class PatchUploadTestsOnPostgres(PostgresCluster cluster) : PatchUploadTests(new PostgresDatabase(cluster));
