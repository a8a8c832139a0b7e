namespace Suture.Format;

/// <summary>Who and what a patch is: shown by <c>inspect</c> and <c>status</c>, read by scanners.</summary>
public sealed record PatchMetadata
{
    /// <summary>Stable identifier chosen by the author, e.g. <c>seed-fix-1</c>.</summary>
    public required string Id { get; init; }

    public string Description { get; init; } = "";

    /// <summary>CVE identifiers the patch fixes, e.g. <c>CVE-2026-1234</c>.</summary>
    public IReadOnlyList<string> Cves { get; init; } = [];

    /// <summary>Cumulative patch level for the target object, starting at 1.</summary>
    public int Level { get; init; } = 1;

    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Compiler identification, e.g. the first line of <c>gcc --version</c>.</summary>
    public string Compiler { get; init; } = "";

    /// <summary>The build command and the flags the compiler wrapper recorded.</summary>
    public string BuildCommand { get; init; } = "";

    /// <summary>Checks the author chose to override when building, recorded for auditors.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
}
