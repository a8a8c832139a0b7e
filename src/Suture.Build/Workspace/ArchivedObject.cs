namespace Suture.Build.Workspace;

/// <summary>
/// An object file of the tree found in a static archive: its path relative to the tree and its
/// symbols (null when unreadable), to tell whether a link pulled it in.
/// </summary>
internal sealed record ArchivedObject(string RelativePath, LinkedSymbols? Symbols);
