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

    private readonly List<(string Package, byte[] Paths)> _lists;
    private readonly byte[] _status;
    private readonly Dictionary<string, (string Package, string Version)?> _found = new(StringComparer.Ordinal);
    private Dictionary<string, DpkgPackage>? _packages;

    private DpkgDatabase(List<(string Package, byte[] Paths)> lists, byte[] status)
    {
        _lists = lists;
        _status = status;
    }

    /// <summary>An empty database when the directory is missing (not a Debian system).</summary>
    /// <remarks>
    /// The list files are kept as bytes and searched for the few paths asked about (an apply or
    /// revert asks about the objects it patched), instead of splitting every line of every list
    /// into a table: on a Debian host with ~1,200 packages that table was ~160,000 strings and most
    /// of the CPU time of an apply (docs/performance.md).
    /// </remarks>
    public static DpkgDatabase Load(string directory = DefaultDirectory)
    {
        var lists = new List<(string, byte[])>();
        byte[] status = [];
        string info = Path.Combine(directory, "info");
        try
        {
            if (Directory.Exists(info))
            {
                foreach (string list in Directory.EnumerateFiles(info, "*.list"))
                {
                    lists.Add((Path.GetFileNameWithoutExtension(list), File.ReadAllBytes(list)));
                }
            }

            string file = Path.Combine(directory, "status");
            if (File.Exists(file))
            {
                status = File.ReadAllBytes(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException($"cannot read dpkg's database in {directory}: {e.Message.TrimEnd('.')}", ExitCode.Failure, e);
        }

        return new DpkgDatabase(lists, status);
    }

    /// <summary>The owning package (<c>name</c> or <c>name:arch</c>, as dpkg names its list file) and its installed version, or null.</summary>
    public (string Package, string Version)? Owner(string path)
    {
        if (_found.TryGetValue(path, out var known))
        {
            return known;
        }

        (string, string)? owner = null;
        foreach (string candidate in Candidates(path))
        {
            // The first list (in directory order) that has the path as a whole line owns it.
            string? package = _lists.FirstOrDefault(l => HasLine(l.Paths, System.Text.Encoding.UTF8.GetBytes(candidate))).Package;
            if (package is not null)
            {
                owner = (package, Package(package)?.Version ?? "");
                break;
            }
        }

        _found[path] = owner;
        return owner;
    }

    /// <summary>Whether <paramref name="text"/> has <paramref name="line"/> as one of its lines.</summary>
    private static bool HasLine(ReadOnlySpan<byte> text, ReadOnlySpan<byte> line)
    {
        for (int from = 0; from <= text.Length - line.Length;)
        {
            int at = text[from..].IndexOf(line);
            if (at < 0)
            {
                return false;
            }

            at += from;
            int end = at + line.Length;
            if ((at == 0 || text[at - 1] == (byte)'\n') && (end == text.Length || text[end] == (byte)'\n' || text[end] == (byte)'\r'))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }

    /// <summary>An installed package's entry in the status file, by <c>name:arch</c> or by name, or null.</summary>
    public DpkgPackage? Package(string package)
    {
        _packages ??= ReadStatus(System.Text.Encoding.UTF8.GetString(_status).Split('\n'));
        return _packages.GetValueOrDefault(package) ?? _packages.GetValueOrDefault(package.Split(':')[0]);
    }

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
    private static Dictionary<string, DpkgPackage> ReadStatus(IEnumerable<string> lines)
    {
        var versions = new Dictionary<string, DpkgPackage>(StringComparer.Ordinal);
        string? package = null, architecture = null, version = null, source = null;
        bool installed = false;
        foreach (string raw in lines.Append(""))
        {
            string line = raw.TrimEnd('\r');
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

        return versions;
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
