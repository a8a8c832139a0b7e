using Suture.TestSupport;

namespace Suture.Agent.Tests;

/// <summary>
/// A C target from TestTargets built as deploy/foo (a Build ID of its own, <see cref="CProject"/>),
/// and a signed patch that turns its "i'm unpatched!" into "you patched my tralala".
/// </summary>
internal sealed class LooperProject : IDisposable
{
    public const string OldLine = "i'm unpatched!";
    public const string NewLine = "you patched my tralala";
    private readonly CProject _project;

    public LooperProject(string target = "looper.c", string build = "gcc -pthread -o foo foo.c")
    {
        string source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestTargets", target));
        _project = new CProject("agent-" + Path.GetFileNameWithoutExtension(target), build, new Dictionary<string, string> { ["foo.c"] = source });
        string diff = _project.Fix("fix", ("foo.c", "printf(\"i'm unpatched!\\n\");", "printf(\"you patched my %s\\n\", \"tralala\");"));
        ToolResult built = _project.BuildPatch(diff, build, PatchPath, ["foo"], "--id", "looper-fix");
        Assert.True(built.ExitCode == 0, built.ToString());
    }

    /// <summary>The patch, signed by the test key (the suture build of the tests signs what it writes).</summary>
    public string PatchPath => _project.File("foo.patch");

    public string Binary => _project.Deployed("foo");

    public RunningProgram Start()
    {
        RunningProgram program = RunningProgram.Start(Binary);
        return program;
    }

    public void Dispose() => _project.Dispose();
}
