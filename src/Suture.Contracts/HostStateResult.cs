namespace Suture.Contracts;

/// <summary>What the host really runs (<c>state.json</c> of the host state directory, docs/scanners.md).</summary>
/// <param name="Taken">When the state was read (UTC).</param>
/// <param name="Note">That the files on disk are unchanged, so a restart runs the vulnerable code again.</param>
public sealed record HostStateResult(DateTime Taken, string Note, IReadOnlyList<HostObjectEntry> Objects, IReadOnlyList<HostCveEntry> Cves);

/// <summary>Every CVE of the host with its state (<c>cves.json</c>, <c>suture status --cves --json</c>).</summary>
public sealed record HostCvesResult(DateTime Taken, string Note, IReadOnlyList<HostCveEntry> Cves);

/// <summary>One patched object (one file with one Build ID) and the processes that map it.</summary>
/// <param name="Package">The installed package that owns the file (dpkg's name, <c>name</c> or <c>name:arch</c>), or null.</param>
/// <param name="EffectiveVersion">Package, installed version and <c>+suture:</c> the newest patch id and level, or null without a package.</param>
public sealed record HostObjectEntry(
    string Path,
    string BuildId,
    string? Package,
    string? PackageVersion,
    string? EffectiveVersion,
    IReadOnlyList<HostPatchEntry> Patches,
    IReadOnlyList<int> PatchedPids,
    IReadOnlyList<UnpatchedProcess> UnpatchedPids);

/// <summary>A patch level some processes run for the object, and who signed it (null when applied unsigned).</summary>
public sealed record HostPatchEntry(string Id, int Level, IReadOnlyList<string> Cves, string? SignerKeyId, string? SignerName, IReadOnlyList<int> Pids);

/// <summary>A process that maps the object but runs no patch for it.</summary>
/// <param name="Why"><c>unpatched</c>, <c>not patchable: …</c> or <c>exited</c>.</param>
public sealed record UnpatchedProcess(int Pid, string Why);

/// <summary>One CVE of the host.</summary>
/// <param name="State"><c>fixed</c>, <c>partially fixed</c> or <c>not fixed</c>.</param>
/// <param name="Patches">The patches (<c>id.level</c>) that fix it.</param>
/// <param name="UnpatchedPids">The processes that still run the vulnerable code.</param>
public sealed record HostCveEntry(string Id, string State, IReadOnlyList<string> Patches, IReadOnlyList<string> Objects, IReadOnlyList<int> PatchedPids, IReadOnlyList<int> UnpatchedPids);
