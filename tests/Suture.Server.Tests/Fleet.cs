using System.Net.Http.Headers;
using System.Security.Cryptography;
using Suture.Format;
using Suture.Format.Writing;
using Suture.Protocol;
using Suture.Protocol.Admin;

namespace Suture.Server.Tests;

/// <summary>The steps tests repeat: feeds, keys, hosts, patches, check-ins, through the HTTP API.</summary>
internal static class Fleet
{
    public const string BuildId = "0123456789abcdef0123456789abcdef01234567";

    public static async Task<FeedInfo> FeedAsync(this ServerUnderTest s, string name, ApprovalMode mode = ApprovalMode.Manual, double delayHours = 0, string? promotesFrom = null) =>
        await (await s.Admin.PutJsonAsync($"/api/v1/feeds/{name}", new FeedRequest(mode, delayHours, promotesFrom))).ReadAsync<FeedInfo>();

    public static async Task<IReadOnlyList<FeedPatchInfo>> PromoteAsync(this ServerUnderTest s, string feed, string? buildId = null) =>
        await (await s.Admin.PostAsync($"/api/v1/feeds/{feed}/promote" + (buildId is null ? "" : "?buildId=" + buildId), null)).ReadAsync<IReadOnlyList<FeedPatchInfo>>();

    public static async Task<KeyCreated> KeyAsync(this ServerUnderTest s, string feed, int? limit = null) =>
        await (await s.Admin.PostJsonAsync("/api/v1/keys", new KeyRequest(feed, $"key for {feed}", limit))).ReadAsync<KeyCreated>();

    public static Task<HttpResponseMessage> RegisterAsync(this ServerUnderTest s, string key, string? machineId = null, string hostname = "web-1") =>
        s.Anonymous.PostJsonAsync("/api/v1/register", new RegistrationRequest(key, hostname, machineId, ["role=web"], "test-agent 1"));

    /// <summary>A registered host: its token and a client that uses it.</summary>
    public static async Task<(RegistrationResponse Host, HttpClient Client)> HostAsync(this ServerUnderTest s, string feed, string hostname = "web-1")
    {
        KeyCreated key = await s.KeyAsync(feed);
        RegistrationResponse host = await (await s.RegisterAsync(key.Key, hostname: hostname)).ReadAsync<RegistrationResponse>();
        return (host, s.Client(host.HostToken));
    }

    /// <summary>A valid v1 patch for <paramref name="buildId"/>, written by Suture.Format's writer and signed by the key the test servers trust.</summary>
    public static byte[] Patch(int level, string buildId = BuildId, string id = "demo-fix", params string[] cves) => ServerTrust.Sign(UnsignedPatch(level, buildId, id, cves));

    /// <summary>The same patch without a signature.</summary>
    public static byte[] UnsignedPatch(int level, string buildId = BuildId, string id = "demo-fix", params string[] cves) => PatchWriter.Write(new PatchFile
    {
        Target = new PatchTarget(Convert.FromHexString(buildId), "/usr/lib/libdemo.so.1"),
        Metadata = new PatchMetadata
        {
            Id = $"{id}-{level}",
            Description = $"level {level} of the demo fix",
            Cves = cves.Length > 0 ? cves : ["CVE-2026-0001"],
            Level = level,
            CreatedUtc = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero),
            Compiler = "gcc (Debian 12.2.0-14) 12.2.0",
            BuildCommand = "make",
        },
        Functions = [new PatchFunction("parse", 0x1000, 64, 0, [0x55, 0x48, 0x89, 0xe5, 0x53], 0, (ulong)(16 + level))],
        Image = new PatchImage(new byte[32 + level], [1, 2, 3, 4], 16),
        Relocations = [new PatchRelocation(8, PatchRelocationKind.Pc32, PatchSymbolKind.External, "memcpy", 0, -4, "GLIBC_2.14")],
    });

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static async Task<PatchInfo> UploadAsync(this ServerUnderTest s, byte[] patch, string? query = null) =>
        await (await s.PostPatchAsync(patch, query)).ReadAsync<PatchInfo>();

    public static Task<HttpResponseMessage> PostPatchAsync(this ServerUnderTest s, byte[] patch, string? query = null, HttpClient? client = null)
    {
        var content = new ByteArrayContent(patch);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return (client ?? s.Admin).PostAsync("/api/v1/patches" + (query is null ? "" : "?" + query), content);
    }

    public static async Task<IReadOnlyList<FeedPatchInfo>> DeployAsync(this ServerUnderTest s, string feed, string sha256, string operation) =>
        await (await s.Admin.PostAsync($"/api/v1/feeds/{feed}/patches/{sha256}/{operation}", null)).ReadAsync<IReadOnlyList<FeedPatchInfo>>();

    /// <summary>An inventory of one object mapped by the given processes (pid, level).</summary>
    public static List<InventoryObject> Inventory(params (int Pid, int Level)[] processes) =>
        [new InventoryObject(BuildId, "/usr/lib/libdemo.so.1", "libdemo1", "1.2-3",
            [.. processes.Select(p => new InventoryProcess(p.Pid, "demo", p.Level, p.Level == 0 ? null : $"demo-fix-{p.Level}"))])];

    public static Task<HttpResponseMessage> PostCheckInAsync(this HttpClient host, IReadOnlyList<InventoryObject>? objects, string? digest = null, IReadOnlyList<ProcessResult>? results = null) =>
        host.PostJsonAsync("/api/v1/checkin", new CheckInRequest
        {
            InventoryDigest = digest ?? InventoryDigest.Compute(objects ?? []),
            Objects = objects,
            Results = results ?? [],
            AgentVersion = "test-agent 1",
        });

    public static async Task<CheckInResponse> CheckInAsync(this HttpClient host, IReadOnlyList<InventoryObject>? objects, string? digest = null, IReadOnlyList<ProcessResult>? results = null) =>
        await (await host.PostCheckInAsync(objects, digest, results)).ReadAsync<CheckInResponse>();

    public static async Task<AuditVerification> VerifyAuditAsync(this ServerUnderTest s) =>
        await (await s.Admin.GetAsync("/api/v1/audit/verify")).ReadAsync<AuditVerification>();

    public static async Task<IReadOnlyList<AuditEntryInfo>> AuditAsync(this ServerUnderTest s) =>
        await (await s.Admin.GetAsync("/api/v1/audit?limit=1000")).ReadAsync<IReadOnlyList<AuditEntryInfo>>();
}
