namespace Suture.Build;

/// <summary>What <c>suture build</c> was asked to do.</summary>
public sealed record PatchBuildRequest
{
    /// <summary>The original source tree (as deployed).</summary>
    public required string SourceDirectory { get; init; }

    /// <summary>The fix, a unified diff against <see cref="SourceDirectory"/>.</summary>
    public required string DiffPath { get; init; }

    /// <summary>Shell command that builds the tree, run in its top directory.</summary>
    public required string BuildCommand { get; init; }

    /// <summary>
    /// The deployed binaries (executables, shared libraries) patches may be built for; each
    /// changed output of the build is matched to the one with its file name, and its Build ID
    /// binds the patch.
    /// </summary>
    public required IReadOnlyList<string> TargetPaths { get; init; }

    public string? Id { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<string> Cves { get; init; } = [];

    public int Level { get; init; } = 1;

    /// <summary>Build even when the rebuilt original differs from the deployed target (recorded in the metadata overrides).</summary>
    public bool IgnoreBuildMismatch { get; init; }

    /// <summary>Keep the work trees for inspection instead of deleting them.</summary>
    public bool KeepWorkTrees { get; init; }

    /// <summary>Receives one line per step of a long build.</summary>
    public Action<string> Progress { get; init; } = _ => { };
}
