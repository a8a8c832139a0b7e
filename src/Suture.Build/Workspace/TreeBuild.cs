namespace Suture.Build.Workspace;

/// <summary>Runs the user's build command in one work tree through the compiler wrappers.</summary>
internal static class TreeBuild
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    /// <summary>Builds <paramref name="tree"/>; reports progress (compiler runs so far) every few seconds of a long build.</summary>
    public static CompilerLog Run(string tree, string source, string command, CompilerWrappers wrappers, string label, Action<string> progress)
    {
        string log = Path.Combine(Path.GetDirectoryName(tree)!, label + "-compile.log");
        var started = System.Diagnostics.Stopwatch.StartNew();
        (string run, IReadOnlyDictionary<string, string> extra, string? note) = DebianBuild.Adapt(command, tree);
        if (note is not null && label == "original")
        {
            progress(note);
        }

        Dictionary<string, string> environment = wrappers.Environment(log, tree, source);
        foreach ((string key, string value) in extra)
        {
            environment[key] = value;
        }

        (int exit, string output) = ShellCommand.Run("/bin/sh", ["-c", run], tree, environment, ProgressInterval,
            () => progress($"building the {label} tree: {CountLines(log)} compiler run(s) so far, {started.Elapsed.TotalSeconds:0} s"));
        if (exit != 0)
        {
            throw new SutureException($"the build command failed in the {label} tree (exit {exit}): {ShellCommand.Tail(output)}", ExitCode.BuildFailed);
        }

        return CompilerLog.Read(log, tree);
    }

    /// <summary>Object files of a built tree, by path relative to the tree.</summary>
    public static Dictionary<string, string> Objects(string tree) =>
        Directory.EnumerateFiles(tree, "*.o", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(tree, path), path => path, StringComparer.Ordinal);

    private static int CountLines(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).Count() : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
