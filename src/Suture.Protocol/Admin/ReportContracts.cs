using System.Text.Json.Serialization;

namespace Suture.Protocol.Admin;

/// <summary>One host in the fleet report (<c>GET /api/v1/reports/hosts</c>).</summary>
/// <param name="Silent">No check-in for more than the report's number of check-in intervals (or never, that long after registering).</param>
/// <param name="PatchedProcesses">Processes running a patch level above 0 for some object.</param>
/// <param name="Failures">Results reported as failed or busy.</param>
/// <param name="Crashes">Results reported as crashed (the process died by a fault signal after an action).</param>
public sealed record HostReportRow(
    string Id,
    string Hostname,
    string Feed,
    IReadOnlyList<string> Tags,
    DateTimeOffset Registered,
    DateTimeOffset? LastCheckIn,
    bool Silent,
    int Objects,
    int Processes,
    int PatchedProcesses,
    int Failures,
    int Crashes,
    string? AgentVersion);

/// <summary>One host in detail (<c>GET /api/v1/reports/hosts/{id}</c>): its inventory with levels, its failures and crash reports.</summary>
public sealed record HostReport(HostReportRow Host, IReadOnlyList<InventoryObject> Objects, IReadOnlyList<ResultReport> Failures, IReadOnlyList<ResultReport> Crashes);

/// <summary>A result a host reported, as stored.</summary>
public sealed record ResultReport(string HostId, string Hostname, string PatchSha256, string BuildId, int Pid, string Action, string Outcome, string? Message, DateTimeOffset At);

/// <summary>Where a host stands on one CVE.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CveHostState>))]
public enum CveHostState
{
    /// <summary>Every process mapping an object a patch of this CVE targets runs a level that fixes it.</summary>
    [JsonStringEnumMemberName("fixed")]
    Fixed,

    /// <summary>Some of those processes run a fixing level, some do not.</summary>
    [JsonStringEnumMemberName("partially-fixed")]
    PartiallyFixed,

    /// <summary>None of those processes runs a fixing level.</summary>
    [JsonStringEnumMemberName("vulnerable")]
    Vulnerable,

    /// <summary>The host maps no object any patch of this CVE targets.</summary>
    [JsonStringEnumMemberName("not-affected")]
    NotAffected,

    /// <summary>The host has sent no inventory yet, so nobody knows.</summary>
    [JsonStringEnumMemberName("not-reported")]
    NotReported,
}

/// <summary>Fleet coverage of one CVE: how many hosts are in each state, and the patches that fix it.</summary>
/// <param name="NotReported">Hosts that sent no inventory yet (counted in no other state).</param>
public sealed record CveSummary(string Cve, int Fixed, int PartiallyFixed, int Vulnerable, int NotAffected, IReadOnlyList<string> Patches, int NotReported = 0);

/// <summary><c>GET /api/v1/reports/cves/{cve}</c>: the summary and every host's state.</summary>
public sealed record CveReport(CveSummary Summary, IReadOnlyList<CveHostRow> Hosts);

public sealed record CveHostRow(string HostId, string Hostname, string Feed, CveHostState State, IReadOnlyList<int> FixedPids, IReadOnlyList<int> VulnerablePids);

/// <summary>Where one process stands on one patch.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PatchProcessState>))]
public enum PatchProcessState
{
    /// <summary>It runs the patch's level or a later one.</summary>
    [JsonStringEnumMemberName("applied")]
    Applied,

    /// <summary>Below the level, and the host's last result for this patch and process was not a success (the reason is given).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Below the level, and the host's feed has the patch enabled (deployed, or waiting for the feed's delay).</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Below the level, and the host's feed does not offer the patch.</summary>
    [JsonStringEnumMemberName("not-offered")]
    NotOffered,
}

/// <summary>One patch in the patch report: processes mapping its object, by state.</summary>
public sealed record PatchReportRow(string Sha256, string Id, string BuildId, int Level, IReadOnlyList<string> Cves, int Hosts, int Applied, int Failed, int Pending, int NotOffered);

/// <summary><c>GET /api/v1/reports/patches/{sha256}</c>: the summary and every process that maps the patch's object.</summary>
public sealed record PatchReport(PatchReportRow Summary, IReadOnlyList<PatchProcessRow> Processes);

public sealed record PatchProcessRow(string HostId, string Hostname, string Feed, int Pid, string Command, int Level, PatchProcessState State, string? Reason);
