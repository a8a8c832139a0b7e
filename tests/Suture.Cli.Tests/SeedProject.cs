using System.Security.Cryptography;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// A source tree with one C file and a fix for it, a deployed build of the original (a
/// <see cref="CProject"/>), and the patch suture builds from them. The fix turns "i'm unpatched!" into "you patched my tralala".
/// </summary>
public sealed class SeedProject : IDisposable
{
    public const string OldLine = "i'm unpatched!";
    public const string NewLine = "you patched my tralala";
    private const string OldCall = "printf(\"i'm unpatched!\\n\");";
    public const string NewCall = "printf(\"you patched my %s\\n\", \"tralala\");";

    private readonly CProject _project;

    public SeedProject(string sourceFile, string buildCommand, string newCall = NewCall)
    {
        BuildCommand = buildCommand;
        string source = File.ReadAllText(sourceFile);
        Assert.Contains(OldCall, source);
        _project = new CProject("seed", buildCommand, new Dictionary<string, string> { ["foo.c"] = source });
        OriginalSource = _project.Original("foo.c");
        DiffPath = WriteDiff(OriginalSource.Replace(OldCall, newCall, StringComparison.Ordinal), "fix.diff");
        BinarySha256 = HashBinary();
    }

    public string Root => _project.Root;

    public string SourceDirectory => _project.Source;

    public string DeployDirectory => _project.Deploy;

    public string Binary => _project.Deployed("foo");

    public string DiffPath { get; }

    public string BuildCommand { get; }

    public string PatchPath => _project.File("foo.patch");

    public string BinarySha256 { get; }

    /// <summary>foo.c as deployed (the looper's text and the project's instance constant).</summary>
    public string OriginalSource { get; }

    public ToolResult BuildPatch(params string[] extra) => BuildPatchFrom(DiffPath, PatchPath, extra);

    /// <summary>Builds the patch, failing the test (with suture's output) unless the build succeeds.</summary>
    public void SucceedBuildPatch(params string[] extra)
    {
        ToolResult built = BuildPatch(extra);
        Assert.True(built.ExitCode == 0, built.ToString());
    }

    public ToolResult BuildPatchFrom(string diff, string output, params string[] extra) => _project.BuildPatch(diff, BuildCommand, output, ["foo"], extra);

    /// <summary>Writes a diff from the original source to <paramref name="patched"/>; returns its path.</summary>
    public string WriteDiff(string patched, string name) =>
        _project.Diff(Path.GetFileNameWithoutExtension(name), new Dictionary<string, string> { ["foo.c"] = patched });

    /// <summary>A project whose patch is built already (the test fails, with suture's output, unless the build succeeds).</summary>
    public static SeedProject WithPatch(string sourceFile, string buildCommand)
    {
        var project = new SeedProject(sourceFile, buildCommand);
        try
        {
            project.SucceedBuildPatch();
            return project;
        }
        catch
        {
            project.Dispose();
            throw;
        }
    }

    public RunningProgram Start() => RunningProgram.Start(Binary);

    /// <summary>Starts the deployed program and waits until it prints <paramref name="line"/> (the unpatched line unless given).</summary>
    public RunningProgram StartUntil(string line = OldLine)
    {
        RunningProgram program = Start();
        try
        {
            program.WaitForLine(l => l == line);
            return program;
        }
        catch
        {
            program.Dispose();
            throw;
        }
    }

    public string HashBinary() => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Binary)));

    public void Dispose() => _project.Dispose();
}
