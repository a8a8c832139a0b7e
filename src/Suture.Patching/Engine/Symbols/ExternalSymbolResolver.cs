using Suture.Elf;
using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Patching.Engine.Symbols;

/// <summary>
/// Resolves symbols of other objects the way the process's dynamic linker would for a new
/// reference: the first object in its search order (<see cref="SearchScope"/>, the link-map
/// chain) that defines the name with the requested version (<see cref="DefinitionLookup"/>).
/// Each object's dynamic symbol table is read once, through /proc/PID/map_files so processes in
/// containers resolve against their own files.
/// </summary>
internal sealed class ExternalSymbolResolver
{
    private readonly int _pid;
    private readonly ObjectFiles _files;
    private readonly ProcessMemory _memory;
    /// <summary>Lookups per parsed file, shared with the files (<see cref="ObjectFiles"/> shares those across processes).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ElfFile, DefinitionLookup> Lookups = [];

    private readonly Dictionary<LoadedObject, DefinitionLookup?> _lookups = [];
    private readonly Dictionary<(string Name, string? Version), SymbolDefinition?> _found = [];

    public ExternalSymbolResolver(int pid, IReadOnlyList<LoadedObject> objects, ProcessMemory memory, ObjectFiles files)
    {
        _files = files;
        _pid = pid;
        _memory = memory;
        Scope = SearchScope.Read(pid, objects, memory, files);
    }

    /// <summary>The objects in the order they are searched, and whether that order is approximated.</summary>
    public SearchScope Scope { get; }

    /// <summary>
    /// The first object in search order that defines <paramref name="name"/> with
    /// <paramref name="version"/> (null: the default or unversioned definition), and its symbol;
    /// null when none does. Any symbol type, thread-local and IFUNC included.
    /// </summary>
    public SymbolDefinition? FindDefinition(string name, string? version)
    {
        if (_found.TryGetValue((name, version), out SymbolDefinition? known))
        {
            return known;
        }

        SymbolDefinition? definition = null;
        foreach (LoadedObject loaded in Scope.Objects)
        {
            if (Lookup(loaded)?.Find(name, version) is ElfSymbol symbol)
            {
                definition = new SymbolDefinition(loaded, symbol);
                break;
            }
        }

        return _found[(name, version)] = definition;
    }

    public ResolvedSymbol Resolve(string name, string? version)
    {
        SymbolDefinition definition = FindDefinition(name, version) ?? throw NotFound(name, version);
        (LoadedObject loaded, ElfSymbol symbol) = (definition.Definer, definition.Symbol);
        if (symbol.Type == ElfSymbolType.GnuIfunc)
        {
            ulong? resolved = ResolvedIfunc(symbol);
            return resolved is ulong implementation
                ? new ResolvedSymbol(implementation, false)
                : new ResolvedSymbol(loaded.Bias + symbol.Value, true);
        }

        if (symbol.Type == ElfSymbolType.Tls)
        {
            throw new SutureException($"{name} in {loaded.Path} of process {_pid} is a thread-local variable; not supported yet", ExitCode.Unpatchable);
        }

        return new ResolvedSymbol(loaded.Bias + symbol.Value, false);
    }

    private SutureException NotFound(string name, string? version)
    {
        string versioned = version is null ? name : $"{name}@{version}";
        var others = Scope.Objects
            .SelectMany(o => (Lookup(o)?.Definitions(name) ?? []).Select(s => $"{o.FileName} defines {s}"))
            .Distinct()
            .ToList();
        string seen = others.Count == 0 ? "" : $" ({string.Join(", ", others)})";
        string order = Scope.Approximation is null ? "" : $"; note: {Scope.Approximation}";
        return new SutureException(
            $"process {_pid} has no loaded object that defines {versioned}, which the patch needs{seen}; is the right library (and version of it) loaded?{order}",
            ExitCode.Unpatchable);
    }

    /// <summary>
    /// The implementation the dynamic linker chose for an IFUNC symbol: the GOT entry of any
    /// loaded object that imports it with the same version (<c>memcpy@GLIBC_2.2.5</c> and
    /// <c>memcpy@GLIBC_2.14</c> are different functions; a lazily bound entry still points at a
    /// PLT stub that resolves and jumps, which is as good for a call).
    /// </summary>
    private ulong? ResolvedIfunc(ElfSymbol definition)
    {
        foreach (LoadedObject loaded in Scope.Objects)
        {
            foreach (ElfRelocation relocation in _files.Get(loaded)?.DynamicRelocations ?? [])
            {
                if (relocation.Symbol is ElfSymbol import && import.Name == definition.Name && Imports(import, definition)
                    && relocation.Type is X86_64RelocationType.JumpSlot or X86_64RelocationType.GlobDat
                    && _memory.TryReadWord(loaded.Bias + relocation.Offset) is ulong value and not 0)
                {
                    return value;
                }
            }
        }

        return null;
    }

    /// <summary>Whether an imported symbol binds to <paramref name="definition"/>'s version (an unversioned import binds to the default one).</summary>
    private static bool Imports(ElfSymbol import, ElfSymbol definition) => import.Version is null
        ? definition.Version is null || definition.IsDefaultVersion
        : import.Version == definition.Version || definition.Version is null;

    private DefinitionLookup? Lookup(LoadedObject loaded)
    {
        if (!_lookups.TryGetValue(loaded, out DefinitionLookup? lookup))
        {
            ElfFile? file = _files.Get(loaded);
            _lookups[loaded] = lookup = file is null ? null : Lookups.GetValue(file, f => new DefinitionLookup(f));
        }

        return lookup;
    }
}
