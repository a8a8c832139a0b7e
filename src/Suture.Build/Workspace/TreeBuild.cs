namespace Suture.Build.Workspace;

/// <summary>Runs the user's build command in one work tree through the compiler wrappers.</summary>
internal static class TreeBuild
{
    public static IReadOnlyList<string> Run(string tree, string command, CompilerWrappers wrappers, string label)
    {
        string log = Path.Combine(Path.GetDirectoryName(tree)!, label + "-compile.log");
        (int exit, string output) = ShellCommand.Run("/bin/sh", ["-c", command], tree, wrappers.Environment(log));
        if (exit != 0)
        {
            throw new SutureException($"the build command failed in the {label} tree (exit {exit}): {ShellCommand.Tail(output)}", ExitCode.BuildFailed);
        }

        return CompilerWrappers.ReadLog(log);
    }

    /// <summary>Object files of a built tree, by path relative to the tree.</summary>
    public static Dictionary<string, string> Objects(string tree) =>
        Directory.EnumerateFiles(tree, "*.o", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(tree, path), path => path, StringComparer.Ordinal);
}
