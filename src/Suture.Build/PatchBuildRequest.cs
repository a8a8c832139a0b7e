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

    /// <summary>The deployed binary the patch is for (its Build ID binds the patch).</summary>
    public required string TargetPath { get; init; }

    public string? Id { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<string> Cves { get; init; } = [];

    public int Level { get; init; } = 1;

    /// <summary>Keep the work trees for inspection instead of deleting them.</summary>
    public bool KeepWorkTrees { get; init; }

    /// <summary>Receives one line per step of a long build.</summary>
    public Action<string> Progress { get; init; } = _ => { };
}
