using Suture.Elf;
using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Patching.Engine.Symbols;

/// <summary>
/// The objects of a process in the order its dynamic linker searches them for a symbol: the
/// link-map chain (main program, its DT_NEEDED dependencies breadth-first, then dlopen'ed
/// objects). glibc searches RTLD_LOCAL objects only for their own references, but they are in
/// the chain too and whether one is global is in the private part of link_map: Suture searches
/// the whole chain in order, so a name an RTLD_LOCAL object defines can bind there where the
/// dynamic linker would take a later global object or fail. Objects outside the chain (files
/// mapped as data, dlmopen namespaces) are not searched. When the chain cannot be read (no
/// DT_DEBUG, as in static programs; a broken chain), the order is approximated: the
/// executable, the other objects by address, the dynamic linker last; <see cref="Approximation"/>
/// then says why.
/// </summary>
/// <param name="Objects">The objects, first searched first.</param>
/// <param name="Approximation">Null when the order is the link map's; else why and how it was approximated.</param>
internal sealed record SearchScope(IReadOnlyList<LoadedObject> Objects, string? Approximation)
{
    private const string RendezvousSymbol = "_r_debug";

    public static SearchScope Read(int pid, IReadOnlyList<LoadedObject> objects, ProcessMemory memory, ObjectFiles files)
    {
        LinkMap map = LinkMapReader.Read(pid, memory, objects);
        if (map.Entries.Count == 0 && Rendezvous(objects, files) is ulong rendezvous)
        {
            // No DT_DEBUG in the main program: the dynamic linker's own r_debug is the same chain.
            LinkMap exported = LinkMapReader.ReadAt(rendezvous, memory, objects);
            map = exported.Entries.Count > 0 ? exported : map;
        }

        IReadOnlyList<LoadedObject> chain = map.Objects;
        if (map.IsComplete && chain.Count > 0)
        {
            return new SearchScope(chain, null);
        }

        IEnumerable<LoadedObject> rest = Approximate(pid, objects).Where(o => !chain.Contains(o));
        string note = chain.Count == 0
            ? $"the link map of process {pid} is unavailable ({map.Problem ?? "no entry matches a loaded object"}), so objects are searched executable first, then by address, the dynamic linker last"
            : $"the link map of process {pid} was read only in part ({map.Problem}), so the objects after its {chain.Count} readable entries are searched executable first, then by address, the dynamic linker last";
        return new SearchScope([.. chain, .. rest], note);
    }

    /// <summary>The address of the dynamic linker's exported <c>_r_debug</c>, if it is loaded.</summary>
    private static ulong? Rendezvous(IReadOnlyList<LoadedObject> objects, ObjectFiles files)
    {
        foreach (LoadedObject loaded in objects.Where(IsDynamicLinker))
        {
            ElfSymbol? symbol = files.Get(loaded)?.DynamicSymbols.FirstOrDefault(s => s.Name == RendezvousSymbol && s.IsDefined);
            if (symbol is not null)
            {
                return loaded.Bias + symbol.Value;
            }
        }

        return null;
    }

    private static IEnumerable<LoadedObject> Approximate(int pid, IReadOnlyList<LoadedObject> objects)
    {
        string? executable = ProcessExecutable.Path(pid);
        return objects
            .OrderBy(o => o.Path == executable ? 0 : IsDynamicLinker(o) ? 2 : 1)
            .ThenBy(o => o.Start);
    }

    private static bool IsDynamicLinker(LoadedObject loaded) => loaded.FileName.StartsWith("ld-linux", StringComparison.Ordinal);
}
