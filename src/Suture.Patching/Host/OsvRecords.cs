using System.Text.Json;
using Suture.Contracts;

namespace Suture.Patching.Host;

/// <summary>
/// The host state as OSV records (docs/scanners.md): one record per CVE of the state, aliased to
/// the CVE, with one affected entry per object it was patched in. An entry lists the installed
/// (source) version as affected while some process mapping the object still runs the vulnerable
/// code, and no version once every one runs the fix; its <c>database_specific</c> carries the
/// effective version, the patches and the pids. The package on disk is unchanged and is named as
/// it is installed: nothing claims a version the package manager does not have.
/// </summary>
public static class OsvRecords
{
    public const string SchemaVersion = "1.6.0";

    /// <summary>The prefix of suture's record ids: <c>SUTURE-CVE-2024-50602</c>.</summary>
    public const string IdPrefix = "SUTURE-";

    public static OsvExport Export(HostState state, OsRelease os) => new(state.Cves.Select(cve => Record(state, cve, os)).ToList());

    public static byte[] Json(HostState state, OsRelease os)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(Export(state, os), OsvJsonContext.Default.OsvExport);
        return [.. json, (byte)'\n'];
    }

    private static OsvRecord Record(HostState state, HostCve cve, OsRelease os)
    {
        string patches = string.Join(", ", cve.Patches);
        string summary = cve.State switch
        {
            CveState.Fixed => $"{cve.Id} is fixed in every running process that maps the vulnerable code, by the live patch {patches}",
            CveState.Partial => $"{cve.Id} is fixed live by {patches} in {cve.PatchedPids.Count} process(es), but pid(s) {string.Join(' ', cve.UnpatchedPids)} still run the vulnerable code",
            _ => $"{cve.Id} has a live patch ({patches}) that no running process runs",
        };
        string details = $"{summary}. Objects: {string.Join(", ", cve.Objects)}. {HostStateWriter.RestartNote}.";
        return new OsvRecord(
            SchemaVersion,
            IdPrefix + cve.Id,
            state.TakenUtc.UtcDateTime,
            [cve.Id],
            summary,
            details,
            cve.Sites.Select(site => Affected(site, os)).ToList(),
            new OsvHostSpecific("suture", HostStateWriter.StateName(cve.State), cve.Patches, HostStateWriter.RestartNote));
    }

    private static OsvAffected Affected(HostCveSite site, OsRelease os)
    {
        HostObject o = site.Target;
        DpkgPackage? installed = o.Installed;
        OsvPackage? package = installed is null ? null : new OsvPackage(os.Ecosystem, installed.Source, os.Purl(installed));
        IReadOnlyList<string> versions = installed is null || site.State == CveState.Fixed ? [] : [installed.SourceVersion];
        return new OsvAffected(package, versions, new OsvObjectSpecific(
            HostStateWriter.StateName(site.State), o.Path, o.BuildId, o.Package, o.PackageVersion, o.EffectiveVersion, site.PatchedPids, site.UnpatchedPids));
    }
}
