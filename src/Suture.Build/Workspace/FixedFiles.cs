namespace Suture.Build.Workspace;

/// <summary>The files the fix changes, adds and removes, as paths relative to the tree.</summary>
internal sealed record FixedFiles(IReadOnlyList<string> Changed, IReadOnlyList<string> Added, IReadOnlyList<string> Removed);
