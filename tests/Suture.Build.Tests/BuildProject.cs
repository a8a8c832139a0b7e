using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// A C project from <c>TestProjects/NAME</c> copied to a scratch directory: <c>src/</c> (the
/// tree suture builds), <c>deploy/</c> (built with the deploy command, the "running" binaries),
/// a fix written as a diff over several files, and the suture build of it.
/// </summary>
public sealed class BuildProject : IDisposable
{
    private readonly TempDirectory _directory;

    public BuildProject(string name, string deployCommand, IReadOnlyDictionary<string, string>? sources = null)
    {
        _directory = new TempDirectory("suture-build-" + name);
        string template = Path.Combine(AppContext.BaseDirectory, "TestProjects", name);
        if (Directory.Exists(template))
        {
            foreach (string file in Directory.EnumerateFiles(template, "*", SearchOption.AllDirectories))
            {
                Write(Path.GetRelativePath(template, file), File.ReadAllText(file));
            }
        }

        foreach ((string file, string text) in sources ?? new Dictionary<string, string>())
        {
            Write(file, text);
        }

        ToolResult built = Tool.Run("/bin/sh", ["-c", deployCommand], Deploy);
        Assert.True(built.ExitCode == 0, $"building the deployed tree failed: {built}");
    }

    public string Root => _directory.Path;

    public string Source => _directory.File("src");

    public string Deploy => _directory.File("deploy");

    public string Deployed(string name) => Path.Combine(Deploy, name);

    /// <summary>Writes a unified diff that replaces, in each named file, the old text by the new; returns its path.</summary>
    public string Fix(string name, params (string File, string Old, string New)[] edits)
    {
        string a = _directory.File(name + "/a"), b = _directory.File(name + "/b");
        foreach (IGrouping<string, (string File, string Old, string New)> byFile in edits.GroupBy(e => e.File))
        {
            string original = File.ReadAllText(Path.Combine(Source, byFile.Key));
            string patched = original;
            foreach ((string _, string old, string @new) in byFile)
            {
                Assert.Contains(old, patched);
                patched = patched.Replace(old, @new, StringComparison.Ordinal);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(a, byFile.Key))!);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(b, byFile.Key))!);
            File.WriteAllText(Path.Combine(a, byFile.Key), original);
            File.WriteAllText(Path.Combine(b, byFile.Key), patched);
        }

        ToolResult diff = Tool.Run("diff", ["-ruN", "a", "b"], _directory.File(name));
        Assert.Equal(1, diff.ExitCode);
        return _directory.Write(name + ".diff", diff.Stdout);
    }

    /// <summary>Runs <c>suture build</c> for the fix with the given build command and targets (names in deploy/).</summary>
    public ToolResult BuildPatch(string diff, string buildCommand, string output, IEnumerable<string> targets, params string[] extra) => SutureCli.Run(
        ["build", "--source", Source, "--patch", diff, "--build", buildCommand, .. targets.SelectMany(t => new[] { "--target", Deployed(t) }), "-o", output, .. extra]);

    /// <summary>Like <see cref="BuildPatch"/>, with extra environment variables for suture.</summary>
    public ToolResult BuildPatchWith(IReadOnlyDictionary<string, string> environment, string diff, string buildCommand, string output, IEnumerable<string> targets, params string[] extra) => SutureCli.RunWith(
        environment, ["build", "--source", Source, "--patch", diff, "--build", buildCommand, .. targets.SelectMany(t => new[] { "--target", Deployed(t) }), "-o", output, .. extra]);

    public string Output(string name) => _directory.File(name);

    public RunningProgram Start(string name) => RunningProgram.Start(Deployed(name));

    public void Dispose() => _directory.Dispose();

    private void Write(string relative, string text)
    {
        _directory.Write("src/" + relative, text);
        _directory.Write("deploy/" + relative, text);
    }
}
