namespace Suture.Protocol.Admin;

/// <summary><c>PUT /api/v1/feeds/{name}</c>: create or change a feed.</summary>
/// <param name="DelayHours">Time between a patch's approval and its deployment to the feed, 0 to 8760.</param>
/// <param name="PromotesFrom">The earlier tier this feed is promoted from (staging for production); null for a first tier.</param>
public sealed record FeedRequest(ApprovalMode ApprovalMode, double DelayHours, string? PromotesFrom = null);

/// <param name="PromotesFrom">The earlier tier, or null.</param>
/// <param name="Tier">0 for a feed promoted from no other, else one more than its earlier tier's.</param>
public sealed record FeedInfo(string Name, ApprovalMode ApprovalMode, double DelayHours, int Hosts, DateTimeOffset Created, string? PromotesFrom = null, int Tier = 0);

/// <summary><c>POST /api/v1/keys</c>: a registration key for a feed.</summary>
/// <param name="HostLimit">How many hosts may register with it; null for no limit.</param>
public sealed record KeyRequest(string Feed, string Description, int? HostLimit);

/// <summary>The new key; <paramref name="Key"/> is shown only here (the server stores its hash).</summary>
public sealed record KeyCreated(long Id, string Key, KeyInfo Info);

/// <param name="Prefix">The key's first characters, to recognise it without the secret.</param>
public sealed record KeyInfo(
    long Id,
    string Prefix,
    string Feed,
    string Description,
    int? HostLimit,
    int Hosts,
    DateTimeOffset Created,
    DateTimeOffset? Revoked);

/// <summary>An uploaded patch, as read from the file (and the package fields given at upload).</summary>
/// <param name="Signature">How the upload's signature was judged (docs/protocol.md#patches).</param>
public sealed record PatchInfo(
    string Sha256,
    string Id,
    string BuildId,
    string ObjectName,
    string? Package,
    string? Version,
    int Level,
    IReadOnlyList<string> Cves,
    string Description,
    long Size,
    DateTimeOffset Uploaded,
    string Signature);

/// <summary>A patch's state in one feed.</summary>
/// <param name="Deploys">When the feed's hosts get it (approval + the feed's delay); null unless enabled.</param>
public sealed record FeedPatchInfo(
    string Feed,
    string Sha256,
    string PatchId,
    string BuildId,
    int Level,
    FeedPatchState State,
    DateTimeOffset? Approved,
    DateTimeOffset? Deploys);

public sealed record HostInfo(
    string Id,
    string Hostname,
    string Feed,
    IReadOnlyList<string> Tags,
    DateTimeOffset Registered,
    DateTimeOffset? LastCheckIn,
    string? AgentVersion);

/// <summary><c>PUT /api/v1/hosts/{id}/tags</c>.</summary>
public sealed record TagsRequest(IReadOnlyList<string> Tags);

public sealed record AuditEntryInfo(
    long Id,
    DateTimeOffset At,
    string Actor,
    string Action,
    string Subject,
    string Details,
    string? Remote,
    string PreviousHash,
    string Hash);

/// <summary>The result of walking the audit chain from the first entry to the last.</summary>
/// <param name="FirstBadEntry">The first entry whose hash or link does not match, or null.</param>
public sealed record AuditVerification(bool Valid, long Entries, long? FirstBadEntry, string? Problem);
