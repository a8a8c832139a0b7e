using System.Text.Json.Serialization;

namespace Suture.Contracts;

/// <summary>
/// The OSV records of the host (<c>suture status --cves --osv</c>, <c>osv.json</c>), in the shape of
/// the OSV API's query answer: a list of records under <c>vulns</c> (docs/scanners.md).
/// </summary>
public sealed record OsvExport(IReadOnlyList<OsvRecord> Vulns);

/// <summary>
/// One OSV record (OSV schema 1.6): one CVE as the host runs it. <see cref="Id"/> is suture's,
/// the CVE is its alias.
/// </summary>
/// <param name="Modified">When the state was read (UTC, RFC 3339).</param>
public sealed record OsvRecord(
    string SchemaVersion,
    string Id,
    DateTime Modified,
    IReadOnlyList<string> Aliases,
    string Summary,
    string Details,
    IReadOnlyList<OsvAffected> Affected,
    OsvHostSpecific DatabaseSpecific);

/// <summary>
/// One patched object: its package as the ecosystem names it, and <see cref="Versions"/>, the
/// installed version when processes mapping the object still run the vulnerable code, empty when
/// every one runs the fix.
/// </summary>
/// <param name="Package">Null for a file no installed package owns.</param>
public sealed record OsvAffected(OsvPackage? Package, IReadOnlyList<string> Versions, OsvObjectSpecific DatabaseSpecific);

/// <summary>An OSV package: <c>Debian:12</c> and the source package, with the binary package's purl.</summary>
public sealed record OsvPackage(string Ecosystem, string Name, string? Purl);

/// <summary>Suture's judgment of the CVE on the host (the record's <c>database_specific</c>).</summary>
/// <param name="State"><c>fixed</c>, <c>partially fixed</c> or <c>not fixed</c>.</param>
/// <param name="Note">That a restart runs the vulnerable code again until the package is updated.</param>
public sealed record OsvHostSpecific(string Source, string State, IReadOnlyList<string> Patches, string Note);

/// <summary>What runs for one object (an affected entry's <c>database_specific</c>).</summary>
/// <param name="EffectiveVersion">e.g. <c>libexpat1:amd64 2.5.0-1+deb12u1 +suture:expat-2024-50602.1</c>; null without a package or a running patch.</param>
public sealed record OsvObjectSpecific(
    string State,
    [property: JsonPropertyName("object")] string ObjectPath,
    string BuildId,
    string? BinaryPackage,
    string? InstalledVersion,
    string? EffectiveVersion,
    IReadOnlyList<int> PatchedPids,
    IReadOnlyList<int> UnpatchedPids);
