namespace Suture.Build.Diff;

/// <summary>What differs between the original and the patched build of one object file.</summary>
/// <param name="RelativePath">The object's path inside the build tree.</param>
/// <param name="Changed">Functions present in both builds whose code or references differ.</param>
/// <param name="Added">Functions only the patched build has.</param>
/// <param name="Refusals">Changes that cannot be applied live, one line each.</param>
internal sealed record ObjectChanges(
    string RelativePath,
    ObjectIndex Original,
    ObjectIndex Patched,
    IReadOnlyList<ObjectFunction> Changed,
    IReadOnlyList<ObjectFunction> Added,
    IReadOnlyList<string> Refusals)
{
    /// <summary>Functions left alone because only the line numbers they pass to an assertion reporter moved, each with the lines.</summary>
    public IReadOnlyList<string> LineNumbersOnly { get; init; } = [];

    public bool IsEmpty => Changed.Count == 0 && Added.Count == 0 && Refusals.Count == 0;
}
