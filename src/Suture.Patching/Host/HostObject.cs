namespace Suture.Patching.Host;

/// <summary>
/// One patched object of the host (one Build ID at one path): the package that owns the file,
/// the patches its processes run, and which processes run them.
/// </summary>
public sealed record HostObject(
    string Path,
    string BuildId,
    string? Package,
    string? PackageVersion,
    IReadOnlyList<HostPatch> Patches,
    IReadOnlyList<int> PatchedPids,
    IReadOnlyList<(int Pid, string Why)> UnpatchedPids)
{
    /// <summary>The owning package's details from dpkg's status file (architecture, source package), or null.</summary>
    public DpkgPackage? Installed { get; init; }

    /// <summary>The newest level any process runs for this object.</summary>
    public HostPatch? Newest => Patches.OrderByDescending(p => p.Level).FirstOrDefault();

    /// <summary>Ksplice-style effective version, e.g. <c>libexpat1 2.5.0-1+deb12u1 +suture:expat-fix.2</c>; null if no package owns it.</summary>
    public string? EffectiveVersion => Package is null || Newest is not HostPatch newest ? null
        : $"{Package} {PackageVersion} +suture:{newest.Id}.{newest.Level}";
}

/// <summary>A patch level some process runs for an object, with the CVEs it fixes and who signed it.</summary>
public sealed record HostPatch(string Id, int Level, IReadOnlyList<string> Cves, string? SignerKeyId, string? SignerName, IReadOnlyList<int> Pids);
