namespace Suture.Process.Objects;

/// <summary>
/// The dynamic linker's chain of loaded objects in a process, in its order: the main program,
/// then its DT_NEEDED dependencies breadth-first, then objects loaded later with dlopen (with
/// RTLD_GLOBAL or RTLD_LOCAL alike). Only the base namespace (dlmopen namespaces are not in it).
/// </summary>
/// <param name="Entries">The entries read, in chain order.</param>
/// <param name="Problem">Why the chain could not be read, or was read only in part; null when it was read to its end.</param>
public sealed record LinkMap(IReadOnlyList<LinkMapEntry> Entries, string? Problem)
{
    public bool IsComplete => Problem is null;

    /// <summary>The loaded objects of the entries, in chain order, each once.</summary>
    public IReadOnlyList<LoadedObject> Objects => Entries.Select(e => e.Loaded).OfType<LoadedObject>().Distinct().ToList();

    public static LinkMap Unavailable(string problem) => new([], problem);
}
