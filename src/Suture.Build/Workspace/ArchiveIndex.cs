using Suture.Elf;

namespace Suture.Build.Workspace;

/// <summary>
/// The object files of one built tree that static archives (<c>libfoo.a</c>) hold. An archive
/// member is a copy of an object file under its file name (a thin archive's member is a path to
/// it), so each member is matched to the tree's object of that name with the same bytes. Archives
/// are read once; only archives inside the tree are considered.
/// </summary>
internal sealed class ArchiveIndex(string tree)
{
    private readonly Dictionary<string, IReadOnlyList<ArchivedObject>> _archives = new(StringComparer.Ordinal);
    private ILookup<string, string>? _objectsByName;

    /// <summary>The tree's objects in the archive at <paramref name="archivePath"/>; empty when it is outside the tree, missing or unreadable.</summary>
    public IReadOnlyList<ArchivedObject> Members(string archivePath)
    {
        if (!_archives.TryGetValue(archivePath, out IReadOnlyList<ArchivedObject>? members))
        {
            _archives[archivePath] = members = IsInTree(archivePath) && File.Exists(archivePath) ? Read(archivePath) : [];
        }

        return members;
    }

    private List<ArchivedObject> Read(string archivePath)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(archivePath);
        }
        catch (IOException)
        {
            return [];
        }

        if (!ArArchive.TryRead(data, archivePath, out ArArchive? archive, out _))
        {
            return [];
        }

        var found = new List<ArchivedObject>();
        foreach (ArArchiveMember member in archive.Members)
        {
            string? path = archive.IsThin ? ThinMember(archivePath, member.Name) : StoredMember(member.Name, archive.Data(member));
            if (path is null)
            {
                continue;
            }

            LinkedSymbols? symbols = archive.IsThin
                ? LinkedSymbols.TryLoad(path)
                : ElfFile.TryRead(archive.Data(member), member.Name, out ElfFile? elf, out _) ? LinkedSymbols.Of(elf) : null;
            found.Add(new ArchivedObject(Path.GetRelativePath(tree, path), symbols));
        }

        return found;
    }

    private string? ThinMember(string archivePath, string name)
    {
        string path = Path.GetFullPath(name, Path.GetDirectoryName(archivePath)!);
        return IsInTree(path) && File.Exists(path) ? path : null;
    }

    /// <summary>The tree object with the member's file name and bytes; the only one of that name when none has the same bytes.</summary>
    private string? StoredMember(string name, ReadOnlyMemory<byte> bytes)
    {
        _objectsByName ??= Directory.EnumerateFiles(tree, "*.o", SearchOption.AllDirectories).ToLookup(p => Path.GetFileName(p), StringComparer.Ordinal);
        List<string> candidates = _objectsByName[Path.GetFileName(name)].ToList();
        List<string> same = candidates.Where(c => SameBytes(c, bytes.Span)).ToList();
        return same.Count >= 1 ? same.Order(StringComparer.Ordinal).First() : candidates.Count == 1 ? candidates[0] : null;
    }

    private static bool SameBytes(string path, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new FileInfo(path).Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private bool IsInTree(string path) => path.StartsWith(Path.TrimEndingDirectorySeparator(tree) + "/", StringComparison.Ordinal);
}
