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

    private WorkTree(string root, string name, bool keep)
    {
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
        var tree = new WorkTree(Directory.CreateTempSubdirectory("suture-build-").FullName, name.Length > 0 ? name : "source", keep);
        try
        {
            tree.Copy(source, tree.Original);
            tree.Copy(source, tree.Patched);
            ApplyDiff(Path.GetFullPath(diff), tree.Patched);
            return tree;
        }
        catch
        {
            tree.Dispose();
            throw;
        }
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
