namespace Suture.Build.Workspace;

/// <summary>
/// A scratch directory holding two copies of the source tree: <c>original/NAME</c> as given and
/// <c>patched/NAME</c> with the fix applied (NAME is the source directory's name). Each copy has
/// a parent of its own, so builds that write beside the tree (dpkg-buildpackage puts the .deb
/// files in <c>..</c>) can run in both at once. Removed on dispose unless kept.
/// </summary>
internal sealed class WorkTree : IDisposable
{
    private readonly bool _keep;

    private readonly string _source;
    private readonly string _diff;

    private WorkTree(string root, string name, bool keep, string source, string diff)
    {
        _source = source;
        _diff = diff;
        Root = root;
        _keep = keep;
        Original = Path.Combine(Root, "original", name);
        Patched = Path.Combine(Root, "patched", name);
    }

    public string Root { get; }

    public string Original { get; }

    public string Patched { get; }

    public static WorkTree Create(string source, string diff, bool keep)
    {
        if (!Directory.Exists(source))
        {
            throw new SutureException($"source directory {source} does not exist", ExitCode.Usage);
        }

        if (!File.Exists(diff))
        {
            throw new SutureException($"patch file {diff} does not exist", ExitCode.Usage);
        }

        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(source)));
        var tree = new WorkTree(Directory.CreateTempSubdirectory("suture-build-").FullName, name.Length > 0 ? name : "source", keep, Path.GetFullPath(source), Path.GetFullPath(diff));
        try
        {
            tree.Copy(source, tree.Original);
            tree.Copy(source, tree.Patched);
            ApplyDiff(tree._diff, tree.Patched);
            tree.Fixed = FilesFixed(tree.Original, tree.Patched);
            return tree;
        }
        catch
        {
            tree.Dispose();
            throw;
        }
    }

    /// <summary>What the fix does to the tree, compared file by file before anything is built: paths relative to the tree.</summary>
    public FixedFiles Fixed { get; private set; } = new([], [], []);

    /// <summary>Replaces the patched tree by a copy of the built original (times and modes kept), for an incremental rebuild.</summary>
    public void CopyBuiltOriginalToPatched()
    {
        Directory.Delete(Patched, recursive: true);
        Copy(Original, Patched);
    }

    /// <summary>Makes the patched tree the source with the fix applied again, for a full build.</summary>
    public void ResetPatched()
    {
        if (Directory.Exists(Patched))
        {
            Directory.Delete(Patched, recursive: true);
        }

        Copy(_source, Patched);
        ApplyDiff(_diff, Patched);
    }

    public void Dispose()
    {
        if (_keep)
        {
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        (int exit, string output) = ShellCommand.Run("cp", ["-a", Path.GetFullPath(source) + "/.", destination], Root);
        if (exit != 0)
        {
            throw new SutureException($"copying {source} failed: {ShellCommand.Tail(output)}", ExitCode.BuildFailed);
        }
    }

    private static FixedFiles FilesFixed(string original, string patched)
    {
        HashSet<string> before = Files(original), after = Files(patched);
        List<string> changed = before.Intersect(after).Where(f => !SameBytes(Path.Combine(original, f), Path.Combine(patched, f))).Order(StringComparer.Ordinal).ToList();
        return new FixedFiles(changed, after.Except(before).Order(StringComparer.Ordinal).ToList(), before.Except(after).Order(StringComparer.Ordinal).ToList());
    }

    private static HashSet<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(root, f)).Where(f => !f.EndsWith(".orig", StringComparison.Ordinal) && !f.EndsWith(".rej", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    internal static bool SameBytes(string a, string b)
    {
        var infoA = new FileInfo(a);
        var infoB = new FileInfo(b);
        return infoA.Length == infoB.Length && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
    }

    private static void ApplyDiff(string diff, string directory)
    {
        string firstError = "";
        foreach (string strip in new[] { "-p1", "-p0" })
        {
            (int dryExit, string dryOutput) = ShellCommand.Run("patch", [strip, "--batch", "--forward", "--dry-run", "-i", diff], directory);
            if (dryExit == 0)
            {
                (int exit, string output) = ShellCommand.Run("patch", [strip, "--batch", "--forward", "-i", diff], directory);
                if (exit != 0)
                {
                    throw new SutureException($"applying {diff} failed: {ShellCommand.Tail(output)}", ExitCode.BuildFailed);
                }

                return;
            }

            firstError = firstError.Length == 0 ? dryOutput : firstError;
        }

        throw new SutureException($"{diff} does not apply to the source tree: {ShellCommand.Tail(firstError, 5)}", ExitCode.BuildFailed);
    }
}
