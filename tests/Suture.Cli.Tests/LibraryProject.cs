using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// A shared library and an executable built by one Makefile, deployed, with patches built for
/// the library (lib.c changes) and for the executable (main.c changes).
/// </summary>
public sealed class LibraryProject : IDisposable
{
    public const string LibraryOld = "library unpatched";
    public const string LibraryNew = "library patched";

    private readonly TempDirectory _directory = new("suture-lib");

    public LibraryProject()
    {
        // A constant unique to this project makes its Build IDs unique, so that "-p all" in one
        // test never reaches the processes of another test running at the same time.
        string instance = $"\nconst char suture_test_instance[] = \"{Guid.NewGuid():N}\";\n";
        string templates = Path.Combine(AppContext.BaseDirectory, "TestTargets", "library");
        foreach (string name in new[] { "lib.c", "main.c", "Makefile" })
        {
            string text = File.ReadAllText(Path.Combine(templates, name)) + (name.EndsWith(".c", StringComparison.Ordinal) ? instance : "");
            _directory.Write("src/" + name, text);
            _directory.Write("deploy/" + name, text);
            _directory.Write("a/" + name, text);
        }

        ToolResult built = Tool.Run("make", ["-s"], _directory.File("deploy"));
        Assert.True(built.ExitCode == 0, built.ToString());
        LibraryPatch = Build("lib.c", "printf(\"library unpatched\\n\");", "printf(\"library %s\\n\", \"patched\");", "libfoo.so", "lib-fix");
        ExecutablePatch = Build("main.c", "printf(\"i'm unpatched!\\n\");", SeedProject.NewCall, "foo", "exe-fix");
    }

    public string Executable => _directory.File("deploy/foo");

    public string LibraryPatch { get; }

    public string ExecutablePatch { get; }

    public RunningProgram Start() => RunningProgram.Start(Executable);

    public void Dispose() => _directory.Dispose();

    private string Build(string file, string oldText, string newText, string target, string id)
    {
        string original = File.ReadAllText(_directory.File("a/" + file));
        _directory.Write("b/" + file, original.Replace(oldText, newText, StringComparison.Ordinal));
        ToolResult diff = Tool.Run("diff", ["-u", "a/" + file, "b/" + file], _directory.Path);
        string diffPath = _directory.Write(id + ".diff", diff.Stdout);
        string output = _directory.File(id + ".patch");
        SutureCli.Succeed("build", "--source", _directory.File("src"), "--patch", diffPath, "--build", "make",
            "--target", _directory.File("deploy/" + target), "--id", id, "-o", output);
        return output;
    }
}
