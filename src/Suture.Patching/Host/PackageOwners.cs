namespace Suture.Patching.Host;

/// <summary>
/// The packages that own the host state's objects, looked up in dpkg's database
/// (<see cref="DpkgDatabase"/>) only for paths not already known: the answers of the last
/// refresh are kept (in the scan cache, <see cref="ScanCache"/>) while dpkg's database is
/// unchanged, so a refresh reads the database's ~1,200 list files only after a package was
/// installed, upgraded or removed, or for an object not seen before.
/// </summary>
public sealed class PackageOwners
{
    private readonly Dictionary<string, PackageOwner?> _known;
    private readonly string _directory;
    private DpkgDatabase? _database;

    private PackageOwners(string directory, string stamp, DpkgDatabase? database, Dictionary<string, PackageOwner?> known)
    {
        _directory = directory;
        Stamp = stamp;
        _database = database;
        _known = known;
    }

    /// <summary>What dpkg's database looked like when these answers were read (its status file's time and size, its info directory's time).</summary>
    public string Stamp { get; }

    /// <summary>Every path looked up so far, with its owner (null: no installed package owns it).</summary>
    public IReadOnlyDictionary<string, PackageOwner?> Known => _known;

    /// <summary>Nothing known yet: the database is read on the first lookup.</summary>
    public static PackageOwners Fresh(string directory = DpkgDatabase.DefaultDirectory) => new(directory, StampOf(directory), null, new(StringComparer.Ordinal));

    /// <summary>Lookups in a database already loaded.</summary>
    public static PackageOwners Of(DpkgDatabase database) => new(DpkgDatabase.DefaultDirectory, "", database, new(StringComparer.Ordinal));

    /// <summary>The answers of an earlier refresh, kept if the database has not changed since.</summary>
    public static PackageOwners Resume(string stamp, IEnumerable<KeyValuePair<string, PackageOwner?>> known, string directory = DpkgDatabase.DefaultDirectory)
    {
        string now = StampOf(directory);
        return now.Length > 0 && now == stamp
            ? new(directory, now, null, new(known, StringComparer.Ordinal))
            : new(directory, now, null, new(StringComparer.Ordinal));
    }

    public PackageOwner? Owner(string path)
    {
        if (!_known.TryGetValue(path, out PackageOwner? owner))
        {
            _database ??= DpkgDatabase.Load(_directory);
            owner = _database.Owner(path) is { } found ? new PackageOwner(found.Package, found.Version, _database.Package(found.Package)) : null;
            _known[path] = owner;
        }

        return owner;
    }

    /// <summary>dpkg rewrites its status file on every change and replaces a package's list file by renaming one into info/.</summary>
    private static string StampOf(string directory)
    {
        try
        {
            var status = new FileInfo(Path.Combine(directory, "status"));
            var info = new DirectoryInfo(Path.Combine(directory, "info"));
            return status.Exists || info.Exists
                ? $"{(status.Exists ? status.LastWriteTimeUtc.Ticks : 0)}:{(status.Exists ? status.Length : 0)}:{(info.Exists ? info.LastWriteTimeUtc.Ticks : 0)}"
                : "none";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}

/// <summary>The installed package that owns a file (<c>name</c> or <c>name:arch</c>), its version, and its entry in dpkg's status file.</summary>
public sealed record PackageOwner(string Package, string Version, DpkgPackage? Installed);
