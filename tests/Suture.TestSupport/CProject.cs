using Xunit;

namespace Suture.TestSupport;

/// <summary>
/// The one C project fixture: a template directory from <c>TestTargets/NAME</c> of the test output
/// (shared targets live in tests/Suture.TestSupport/TestTargets, a project's own beside its tests)
/// and/or files given as text, copied to a scratch directory as <c>src/</c> (the tree suture
/// builds) and <c>deploy/</c> (built with the deploy command: the "running" binaries); fixes
/// written as unified diffs over one or several files; <c>suture build</c> of them.
/// <para>
/// Every C and C++ file gets a constant unique to this project instance appended, so its Build
/// IDs are its own: <c>-p all</c> or <c>status --all</c> in one test never reaches another test's
/// processes, and two projects built from the same sources are still told apart.
/// </para>
/// </summary>
public sealed class CProject : IDisposable
{
    private readonly TempDirectory _directory;
    // Guarded: a C file may #include another (libcare's fail_coro.c includes fail_coro_common.c).
    private readonly string _instance = $"\n#ifndef SUTURE_TEST_INSTANCE\n#define SUTURE_TEST_INSTANCE\n__attribute__((used)) static const char suture_test_instance[] = \"{Guid.NewGuid():N}\";\n#endif\n";

    /// <param name="template">Directory under TestTargets to copy, if there is one by that name (the name also names the scratch directory).</param>
    /// <param name="deployCommand">Shell command that builds deploy/ (e.g. <c>make -s</c>, <c>gcc -o foo foo.c</c>).</param>
    /// <param name="sources">Files to add or replace, relative path to text.</param>
    public CProject(string template, string deployCommand, IReadOnlyDictionary<string, string>? sources = null)
    {
        _directory = new TempDirectory("suture-" + template);
        string directory = TemplatePath(template);
        Assert.True(sources is not null || Directory.Exists(directory), $"no test target {directory}");
        if (Directory.Exists(directory))
        {
            foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                AddSource(Path.GetRelativePath(directory, file), System.IO.File.ReadAllText(file));
            }
        }

        foreach ((string file, string text) in sources ?? new Dictionary<string, string>())
        {
            AddSource(file, text);
        }

        DeployCommand = deployCommand;
        ToolResult built = Tool.Run("/bin/sh", ["-c", deployCommand], Deploy);
        Assert.True(built.ExitCode == 0, $"building the deployed tree failed: {built}");
    }

    public string Root => _directory.Path;

    /// <summary>The tree suture builds (the original sources, as deployed).</summary>
    public string Source => _directory.File("src");

    public string Deploy => _directory.File("deploy");

    public string DeployCommand { get; }

    /// <summary>The path of a template under TestTargets of the test output.</summary>
    public static string TemplatePath(string name) => Path.Combine(AppContext.BaseDirectory, "TestTargets", name);

    public string Deployed(string name) => Path.Combine(Deploy, name);

    /// <summary>A file of the original source tree, as suture sees it (with the instance constant).</summary>
    public string Original(string file) => System.IO.File.ReadAllText(Path.Combine(Source, file));

    /// <summary>A path in the scratch directory (outputs, extra diffs).</summary>
    public string File(string name) => _directory.File(name);

    public string Write(string name, string content) => _directory.Write(name, content);

    /// <summary>Writes a unified diff that replaces, in each named file, the old text by the new; returns its path.</summary>
    public string Fix(string name, params (string File, string Old, string New)[] edits)
    {
        var files = new Dictionary<string, string>();
        foreach ((string file, string old, string @new) in edits)
        {
            string text = files.TryGetValue(file, out string? edited) ? edited : Original(file);
            Assert.Contains(old, text);
            files[file] = text.Replace(old, @new, StringComparison.Ordinal);
        }

        return Diff(name, files);
    }

    /// <summary>Writes a unified diff from the original files to the given full texts, as NAME.diff; returns its path.</summary>
    public string Diff(string name, IReadOnlyDictionary<string, string> patched)
    {
        string a = _directory.File(name + "/a"), b = _directory.File(name + "/b");
        foreach ((string file, string text) in patched)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(a, file))!);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(b, file))!);
            System.IO.File.WriteAllText(Path.Combine(a, file), Original(file));
            System.IO.File.WriteAllText(Path.Combine(b, file), text);
        }

        ToolResult diff = Tool.Run("diff", ["-ruN", "a", "b"], _directory.File(name));
        Assert.True(diff.ExitCode == 1, $"the fix {name} changes nothing: {diff}");
        return _directory.Write(name + ".diff", diff.Stdout);
    }

    /// <summary>The <c>suture build</c> arguments for a fix, a build command and targets (names in deploy/).</summary>
    public string[] BuildArguments(string diff, string buildCommand, string output, IEnumerable<string> targets, params string[] extra) =>
        ["build", "--source", Source, "--patch", diff, "--build", buildCommand, .. targets.SelectMany(t => new[] { "--target", Deployed(t) }), "-o", output, .. extra];

    /// <summary>Runs <c>suture build</c> (the binary) for the fix.</summary>
    public ToolResult BuildPatch(string diff, string buildCommand, string output, IEnumerable<string> targets, params string[] extra) =>
        SutureCli.Run(BuildArguments(diff, buildCommand, output, targets, extra));

    /// <summary>Like <see cref="BuildPatch"/>, with extra environment variables for suture.</summary>
    public ToolResult BuildPatchWith(IReadOnlyDictionary<string, string> environment, string diff, string buildCommand, string output, IEnumerable<string> targets, params string[] extra) =>
        SutureCli.RunWith(environment, BuildArguments(diff, buildCommand, output, targets, extra));

    public RunningProgram Start(string name) => RunningProgram.Start(Deployed(name));

    public void Dispose() => _directory.Dispose();

    private void AddSource(string relative, string text)
    {
        if (relative.EndsWith(".c", StringComparison.Ordinal) || relative.EndsWith(".cpp", StringComparison.Ordinal) || relative.EndsWith(".cc", StringComparison.Ordinal))
        {
            text += _instance;
        }

        _directory.Write("src/" + relative, text);
        _directory.Write("deploy/" + relative, text);
    }
}
