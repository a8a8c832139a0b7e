namespace Suture.Patching.Host;

/// <summary>
/// Which installed Debian package owns a file, and its version, read from dpkg's own database
/// (<c>info/*.list</c> and <c>status</c> under <c>/var/lib/dpkg</c>), never by running dpkg per
/// file. Paths are matched as listed and, for merged-/usr systems, with or without the leading
/// <c>/usr</c> (a library mapped from <c>/usr/lib/…</c> may be listed as <c>/lib/…</c>).
/// </summary>
public sealed class DpkgDatabase
{
    public const string DefaultDirectory = "/var/lib/dpkg";

    private readonly Dictionary<string, string> _owners;
    private readonly Dictionary<string, DpkgPackage> _packages;

    private DpkgDatabase(Dictionary<string, string> owners, Dictionary<string, DpkgPackage> packages)
    {
        _owners = owners;
        _packages = packages;
    }

    /// <summary>An empty database when the directory is missing (not a Debian system).</summary>
    public static DpkgDatabase Load(string directory = DefaultDirectory)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var versions = new Dictionary<string, DpkgPackage>(StringComparer.Ordinal);
        string info = Path.Combine(directory, "info");
        try
        {
            if (Directory.Exists(info))
            {
                foreach (string list in Directory.EnumerateFiles(info, "*.list"))
                {
                    string package = Path.GetFileNameWithoutExtension(list);
                    foreach (string line in File.ReadLines(list))
                    {
                        owners.TryAdd(line, package);
                    }
                }
            }

            string status = Path.Combine(directory, "status");
            if (File.Exists(status))
            {
                ReadStatus(File.ReadLines(status), versions);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException($"cannot read dpkg's database in {directory}: {e.Message.TrimEnd('.')}", ExitCode.Failure, e);
        }

        return new DpkgDatabase(owners, versions);
    }

    /// <summary>The owning package (<c>name</c> or <c>name:arch</c>, as dpkg names its list file) and its installed version, or null.</summary>
    public (string Package, string Version)? Owner(string path)
    {
        foreach (string candidate in Candidates(path))
        {
            if (_owners.TryGetValue(candidate, out string? package))
            {
                return (package, Package(package)?.Version ?? "");
            }
        }

        return null;
    }

    /// <summary>An installed package's entry in the status file, by <c>name:arch</c> or by name, or null.</summary>
    public DpkgPackage? Package(string package) =>
        _packages.GetValueOrDefault(package) ?? _packages.GetValueOrDefault(package.Split(':')[0]);

    private static IEnumerable<string> Candidates(string path)
    {
        yield return path;
        if (path.StartsWith("/usr/", StringComparison.Ordinal))
        {
            yield return path[4..];
        }
        else if (path.StartsWith('/'))
        {
            yield return "/usr" + path;
        }
    }

    /// <summary>Installed packages' versions from the status file, by <c>name:arch</c> and by name.</summary>
    private static void ReadStatus(IEnumerable<string> lines, Dictionary<string, DpkgPackage> versions)
    {
        string? package = null, architecture = null, version = null, source = null;
        bool installed = false;
        foreach (string line in lines.Append(""))
        {
            if (line.Length == 0)
            {
                if (package is not null && version is not null && installed)
                {
                    DpkgPackage entry = Entry(package, architecture, version, source);
                    versions.TryAdd(package, entry);
                    if (architecture is not null)
                    {
                        versions[$"{package}:{architecture}"] = entry;
                    }
                }

                package = architecture = version = source = null;
                installed = false;
            }
            else if (line.StartsWith("Package: ", StringComparison.Ordinal))
            {
                package = line[9..].Trim();
            }
            else if (line.StartsWith("Architecture: ", StringComparison.Ordinal))
            {
                architecture = line[14..].Trim();
            }
            else if (line.StartsWith("Version: ", StringComparison.Ordinal))
            {
                version = line[9..].Trim();
            }
            else if (line.StartsWith("Source: ", StringComparison.Ordinal))
            {
                source = line[8..].Trim();
            }
            else if (line.StartsWith("Status: ", StringComparison.Ordinal))
            {
                installed = line.EndsWith(" installed", StringComparison.Ordinal);
            }
        }
    }

    /// <summary>
    /// The entry of one package; <c>Source:</c> is <c>name</c> or <c>name (version)</c> when the
    /// source package or its version differ from the binary's, and absent when both are the same.
    /// </summary>
    private static DpkgPackage Entry(string package, string? architecture, string version, string? source)
    {
        string sourceName = package, sourceVersion = version;
        if (source is { Length: > 0 })
        {
            int open = source.IndexOf(" (", StringComparison.Ordinal);
            sourceName = open < 0 ? source : source[..open];
            if (open >= 0 && source.EndsWith(')'))
            {
                sourceVersion = source[(open + 2)..^1];
            }
        }

        return new DpkgPackage(package, architecture, version, sourceName, sourceVersion);
    }
}

/// <summary>An installed package as dpkg's status file describes it.</summary>
/// <param name="Source">The source package it was built from (the name Debian's security data and OSV use).</param>
public sealed record DpkgPackage(string Name, string? Architecture, string Version, string Source, string SourceVersion);
