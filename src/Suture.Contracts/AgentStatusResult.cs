using System.Text.Json.Serialization;

namespace Suture.Contracts;

/// <summary><c>suture agent status --json</c>: the agent's configuration, identity, last check-in, cache, coverage and block list.</summary>
/// <param name="Mode">auto, manual or offline.</param>
/// <param name="Server">The server registered with (absent before registration and in offline mode without one).</param>
public sealed record AgentStatusResult(
    string Config,
    string Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Server,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? HostId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Feed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pin,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AgentCheckIn? LastCheckIn,
    IReadOnlyList<AgentCachedPatch> Patches,
    IReadOnlyList<AgentObjectCoverage> Objects,
    IReadOnlyList<AgentBlockedPatch> Blocked);

/// <summary>The last check-in (or offline store read).</summary>
public sealed record AgentCheckIn(DateTime At, bool Succeeded, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? Next);

/// <summary>A patch in the cache or the offline store.</summary>
/// <param name="State">approved (applied to processes that map its object), pending (manual mode: waits for approve), blocked, or superseded (a higher level is approved).</param>
public sealed record AgentCachedPatch(string Sha256, string Id, int Level, [property: JsonPropertyName("object")] string ObjectName, string BuildId, IReadOnlyList<string> Cves, string Signer, string State);

/// <summary>For each object a patch exists for: how many running processes map it and how many run the approved level.</summary>
public sealed record AgentObjectCoverage(string BuildId, [property: JsonPropertyName("object")] string ObjectName, int Level, int Processes, int Patched, IReadOnlyList<int> Unpatched);

/// <summary>A patch blocked on this host after it crashed a process.</summary>
public sealed record AgentBlockedPatch(string Sha256, string Id, string BuildId, int Pid, int Signal, DateTime At, string Reason);
