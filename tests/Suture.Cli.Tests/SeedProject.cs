using System.Security.Cryptography;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// A source tree with one C file and a fix for it, a deployed build of the original, and the
/// patch suture builds from them. The fix turns "i'm unpatched!" into "you patched my tralala".
/// </summary>
public sealed class SeedProject : IDisposable
{
    public const string OldLine = "i'm unpatched!";
    public const string NewLine = "you patched my tralala";
    private const string OldCall = "printf(\"i'm unpatched!\\n\");";
    public const string NewCall = "printf(\"you patched my %s\\n\", \"tralala\");";

    private readonly TempDirectory _directory = new("suture-seed");

    public SeedProject(string sourceFile, string buildCommand, string newCall = NewCall)
    {
        BuildCommand = buildCommand;
        string source = File.ReadAllText(sourceFile);
        Assert.Contains(OldCall, source);
        Directory.CreateDirectory(SourceDirectory);
        File.WriteAllText(Path.Combine(SourceDirectory, "foo.c"), source);
        OriginalSource = source;
        DiffPath = WriteDiff(source.Replace(OldCall, newCall, StringComparison.Ordinal), "fix.diff");

        Directory.CreateDirectory(DeployDirectory);
        File.Copy(Path.Combine(SourceDirectory, "foo.c"), Path.Combine(DeployDirectory, "foo.c"));
        ToolResult built = Tool.Run("/bin/sh", ["-c", buildCommand], DeployDirectory);
        Assert.True(built.ExitCode == 0, $"building the deployed binary failed: {built}");
        BinarySha256 = HashBinary();
    }

    public string Root => _directory.Path;

    public string SourceDirectory => _directory.File("src");

    public string DeployDirectory => _directory.File("deploy");

    public string Binary => Path.Combine(DeployDirectory, "foo");

    public string DiffPath { get; }

    public string BuildCommand { get; }

    public string PatchPath => _directory.File("foo.patch");

    public string BinarySha256 { get; }

    public string OriginalSource { get; }

    public ToolResult BuildPatch(params string[] extra) => BuildPatchFrom(DiffPath, PatchPath, extra);

    /// <summary>Builds the patch, failing the test (with suture's output) unless the build succeeds.</summary>
    public void SucceedBuildPatch(params string[] extra)
    {
        ToolResult built = BuildPatch(extra);
        Assert.True(built.ExitCode == 0, built.ToString());
    }

    public ToolResult BuildPatchFrom(string diff, string output, params string[] extra) => SutureCli.Run(
        ["build", "--source", SourceDirectory, "--patch", diff, "--build", BuildCommand, "--target", Binary, "-o", output, .. extra]);

    /// <summary>Writes a diff from the original source to <paramref name="patched"/>; returns its path.</summary>
    public string WriteDiff(string patched, string name)
    {
        _directory.Write("a/foo.c", OriginalSource);
        _directory.Write("b/foo.c", patched);
        ToolResult diff = Tool.Run("diff", ["-u", "a/foo.c", "b/foo.c"], _directory.Path);
        Assert.Equal(1, diff.ExitCode);
        return _directory.Write(name, diff.Stdout);
    }

    public RunningProgram Start() => RunningProgram.Start(Binary);

    public string HashBinary() => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Binary)));

    public void Dispose() => _directory.Dispose();
}
