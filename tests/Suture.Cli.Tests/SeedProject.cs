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
        DiffPath = WriteDiff(source, source.Replace(OldCall, newCall, StringComparison.Ordinal));

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

    public ToolResult BuildPatch(params string[] extra) => SutureCli.Run(
        ["build", "--source", SourceDirectory, "--patch", DiffPath, "--build", BuildCommand, "--target", Binary, "-o", PatchPath, .. extra]);

    public RunningProgram Start() => RunningProgram.Start(Binary);

    public string HashBinary() => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Binary)));

    public void Dispose() => _directory.Dispose();

    private string WriteDiff(string original, string patched)
    {
        _directory.Write("a/foo.c", original);
        _directory.Write("b/foo.c", patched);
        ToolResult diff = Tool.Run("diff", ["-u", "a/foo.c", "b/foo.c"], _directory.Path);
        Assert.Equal(1, diff.ExitCode);
        return _directory.Write("fix.diff", diff.Stdout);
    }
}
