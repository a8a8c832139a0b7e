namespace Suture.Build.Workspace;

/// <summary>
/// One member of an <see cref="ArArchive"/>: its name (a file name, or in a thin archive a path
/// relative to the archive) and where its bytes are in the archive.
/// </summary>
internal sealed record ArArchiveMember(string Name, long Offset, long Size);
