namespace Suture.Build.Workspace;

/// <summary>
/// A scratch directory holding two copies of the source tree: <c>original/</c> as given and
/// <c>patched/</c> with the fix applied. Removed on dispose unless kept.
/// </summary>
internal sealed class WorkTree : IDisposable
{
    private readonly bool _keep;

    private WorkTree(string root, bool keep)
    {
        Root = root;
        _keep = keep;
    }

    public string Root { get; }

    public string Original => Path.Combine(Root, "original");

    public string Patched => Path.Combine(Root, "patched");

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

        var tree = new WorkTree(Directory.CreateTempSubdirectory("suture-build-").FullName, keep);
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
