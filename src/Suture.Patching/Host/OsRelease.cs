namespace Suture.Patching.Host;

/// <summary>
/// The distribution the host runs, from <c>/etc/os-release</c> (or <c>/usr/lib/os-release</c>):
/// its <c>ID</c> and <c>VERSION_ID</c>, which name the OSV ecosystem (<c>Debian:12</c>) and the
/// purl's namespace and distro.
/// </summary>
public sealed record OsRelease(string Id, string? VersionId)
{
    public static OsRelease Load(params string[] paths)
    {
        foreach (string path in paths.Length == 0 ? ["/etc/os-release", "/usr/lib/os-release"] : paths)
        {
            try
            {
                var values = File.ReadLines(path).Select(l => l.Split('=', 2)).Where(f => f.Length == 2)
                    .GroupBy(f => f[0].Trim(), StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Last()[1].Trim().Trim('"', '\''), StringComparer.Ordinal);
                return new OsRelease(values.GetValueOrDefault("ID") is { Length: > 0 } id ? id : "linux", values.GetValueOrDefault("VERSION_ID") is { Length: > 0 } version ? version : null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the next candidate; os-release(5) says readers fall back to the second
            }
        }

        return new OsRelease("linux", null);
    }

    /// <summary>The OSV ecosystem: <c>Debian:12</c>, <c>Ubuntu:24.04</c>; the release is left out when unknown (<c>Debian</c> for sid).</summary>
    public string Ecosystem
    {
        get
        {
            string name = Id switch
            {
                "debian" => "Debian",
                "ubuntu" => "Ubuntu",
                _ => string.Concat(Id[..1].ToUpperInvariant(), Id[1..]),
            };
            return VersionId is null ? name : $"{name}:{VersionId}";
        }
    }

    /// <summary>The package URL of an installed binary package: <c>pkg:deb/debian/libexpat1@2.5.0-1%2Bdeb12u1?arch=amd64&amp;distro=debian-12</c>.</summary>
    public string Purl(DpkgPackage package)
    {
        string purl = $"pkg:deb/{Uri.EscapeDataString(Id)}/{Uri.EscapeDataString(package.Name)}@{Uri.EscapeDataString(package.Version)}";
        var qualifiers = new List<string>();
        if (package.Architecture is { } architecture)
        {
            qualifiers.Add($"arch={Uri.EscapeDataString(architecture)}");
        }

        if (VersionId is { } version)
        {
            qualifiers.Add($"distro={Uri.EscapeDataString($"{Id}-{version}")}");
        }

        return qualifiers.Count == 0 ? purl : $"{purl}?{string.Join('&', qualifiers)}";
    }
}
