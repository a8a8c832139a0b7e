using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// A project built by a Makefile from one of the templates under TestTargets (a
/// <see cref="CProject"/> deployed with <c>make -s</c>), and patches built from one-line fixes
/// to its files.
/// </summary>
public sealed class MakeProject : IDisposable
{
    private readonly CProject _project;

    /// <param name="template">Directory under TestTargets holding the sources and the Makefile.</param>
    public MakeProject(string template)
    {
        _project = new CProject(template, "make -s");
    }

    /// <summary>The deployed file <paramref name="name"/> (an executable or library the Makefile built).</summary>
    public string Deployed(string name) => _project.Deployed(name);

    public RunningProgram Start(string executable) => _project.Start(executable);

    /// <summary>Builds the patch for <paramref name="target"/> that replaces <paramref name="oldText"/> in <paramref name="file"/>; returns the result and the patch's path.</summary>
    public (ToolResult Result, string Patch) TryBuildPatch(string file, string oldText, string newText, string target, string id)
    {
        string diff = _project.Fix(id, (file, oldText, newText));
        string output = _project.File(id + ".patch");
        return (_project.BuildPatch(diff, "make", output, [target], "--id", id), output);
    }

    public string BuildPatch(string file, string oldText, string newText, string target, string id)
    {
        (ToolResult result, string patch) = TryBuildPatch(file, oldText, newText, target, id);
        Assert.True(result.ExitCode == 0, result.ToString());
        return patch;
    }

    public void Dispose() => _project.Dispose();
}
