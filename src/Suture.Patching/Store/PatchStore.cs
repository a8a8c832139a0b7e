using Suture.Format;
using Suture.Patching.Engine.Operations;

namespace Suture.Patching.Store;

/// <summary>
/// A directory of patch files for many objects and levels (layout documented in
/// docs/patch-store.md: <c>BUILD-ID/LEVEL-ID.patch</c>, though any *.patch below the directory is
/// read). Patches are grouped by the Build ID inside them, never by file name.
/// </summary>
public sealed class PatchStore
{
    private PatchStore(IReadOnlyList<PatchDocument> patches)
    {
        Patches = patches;
    }

    public IReadOnlyList<PatchDocument> Patches { get; }

    /// <summary>The newest level for each object in the store.</summary>
    public IReadOnlyList<PatchDocument> Newest =>
        Patches.GroupBy(p => p.Patch.Target.BuildIdHex)
            .Select(g => g.OrderByDescending(p => p.Patch.Metadata.Level).ThenByDescending(p => p.Patch.Metadata.CreatedUtc).First())
            .OrderBy(p => p.Patch.Target.ObjectName, StringComparer.Ordinal)
            .ToList();

    public static bool IsStore(string path) => Directory.Exists(path);

    public static PatchStore Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new SutureException($"patch store {directory} does not exist", ExitCode.Usage);
        }

        List<string> files;
        try
        {
            // Symbolic links to directories are not followed (no cycles); an unreadable directory
            // means this is not a store suture may read, named instead of thrown raw.
            files = Directory.EnumerateFiles(directory, "*.patch", new EnumerationOptions
            {
                RecurseSubdirectories = true,
                AttributesToSkip = FileAttributes.ReparsePoint,
                IgnoreInaccessible = false,
            }).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new SutureException($"patch store {directory}: cannot read it: {e.Message.TrimEnd('.')}; give a patch file or a directory of *.patch files", ExitCode.CorruptPatch, e);
        }

        var patches = files.Select(f => PatchDocument.Load(f)).ToList();
        if (patches.Count == 0)
        {
            throw new SutureException($"patch store {directory} holds no *.patch files", ExitCode.Usage);
        }

        foreach (IGrouping<(string, int), PatchDocument> clash in patches.GroupBy(p => (p.Patch.Target.BuildIdHex, p.Patch.Metadata.Level)).Where(g => g.Count() > 1))
        {
            throw new SutureException(
                $"patch store {directory} has {clash.Count()} patches for Build ID {clash.Key.Item1} at level {clash.Key.Item2} ({string.Join(", ", clash.Select(p => p.Path))}); keep one",
                ExitCode.Usage);
        }

        return new PatchStore(patches);
    }
}
