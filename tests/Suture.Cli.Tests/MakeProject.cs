using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// A project built by a Makefile from one of the templates under TestTargets: its source tree,
/// a deployed build of it, and patches built from one-line fixes to its files.
/// </summary>
public sealed class MakeProject : IDisposable
{
    private readonly TempDirectory _directory = new("suture-make");

    /// <param name="template">Directory under TestTargets holding the sources and the Makefile.</param>
    public MakeProject(string template)
    {
        // A constant unique to this project makes its Build IDs unique, so that "-p all" in one
        // test never reaches the processes of another test running at the same time.
        string instance = $"\n__attribute__((used)) static const char suture_test_instance[] = \"{Guid.NewGuid():N}\";\n";
        foreach (string path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestTargets", template)))
        {
            string name = Path.GetFileName(path);
            string text = File.ReadAllText(path) + (name.EndsWith(".c", StringComparison.Ordinal) || name.EndsWith(".cpp", StringComparison.Ordinal) ? instance : "");
            _directory.Write("src/" + name, text);
            _directory.Write("deploy/" + name, text);
            _directory.Write("a/" + name, text);
        }

        ToolResult built = Tool.Run("make", ["-s"], _directory.File("deploy"));
        Assert.True(built.ExitCode == 0, built.ToString());
    }

    /// <summary>The deployed file <paramref name="name"/> (an executable or library the Makefile built).</summary>
    public string Deployed(string name) => _directory.File("deploy/" + name);

    public RunningProgram Start(string executable) => RunningProgram.Start(Deployed(executable));

    /// <summary>Builds the patch for <paramref name="target"/> that replaces <paramref name="oldText"/> in <paramref name="file"/>; returns the result and the patch's path.</summary>
    public (ToolResult Result, string Patch) TryBuildPatch(string file, string oldText, string newText, string target, string id)
    {
        string original = File.ReadAllText(_directory.File("a/" + file));
        Assert.Contains(oldText, original);
        _directory.Write("b/" + file, original.Replace(oldText, newText, StringComparison.Ordinal));
        ToolResult diff = Tool.Run("diff", ["-u", "a/" + file, "b/" + file], _directory.Path);
        string diffPath = _directory.Write(id + ".diff", diff.Stdout);
        string output = _directory.File(id + ".patch");
        ToolResult result = SutureCli.Run(["build", "--source", _directory.File("src"), "--patch", diffPath, "--build", "make",
            "--target", Deployed(target), "--id", id, "-o", output]);
        return (result, output);
    }

    public string BuildPatch(string file, string oldText, string newText, string target, string id)
    {
        (ToolResult result, string patch) = TryBuildPatch(file, oldText, newText, target, id);
        Assert.True(result.ExitCode == 0, result.ToString());
        return patch;
    }

    public void Dispose() => _directory.Dispose();
}
