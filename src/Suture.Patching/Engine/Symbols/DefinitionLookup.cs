using Suture.Elf;

namespace Suture.Patching.Engine.Symbols;

/// <summary>
/// Which dynamic symbol of one object satisfies a reference by name and version, by the rules
/// of glibc's lookup (<c>check_match</c>): only defined, non-local symbols of a type that can be
/// bound (and with a value, unless thread-local) count. A versioned reference takes exactly that
/// version, default (<c>name@@V</c>) or hidden (<c>name@V</c>), or an unversioned definition
/// (the object does not version the name); an unversioned reference takes the unversioned or
/// default definition, never a hidden one.
/// </summary>
internal sealed class DefinitionLookup
{
    private readonly ILookup<string, ElfSymbol> _definitions;

    public DefinitionLookup(ElfFile file)
    {
        _definitions = file.DynamicSymbols.Where(CanBind).ToLookup(s => s.Name, StringComparer.Ordinal);
    }

    /// <summary>The symbols that define <paramref name="name"/>, whatever their version.</summary>
    public IEnumerable<ElfSymbol> Definitions(string name) => _definitions[name];

    public ElfSymbol? Find(string name, string? version)
    {
        ElfSymbol? unversioned = null;
        foreach (ElfSymbol symbol in _definitions[name])
        {
            if (version is null ? symbol.Version is null || symbol.IsDefaultVersion : symbol.Version == version)
            {
                return symbol;
            }

            unversioned ??= version is not null && symbol.Version is null ? symbol : null;
        }

        return unversioned;
    }

    private static bool CanBind(ElfSymbol symbol) =>
        symbol.IsDefined
        && symbol.Name.Length > 0
        && symbol.Binding != ElfSymbolBinding.Local
        && symbol.Type is ElfSymbolType.NoType or ElfSymbolType.Object or ElfSymbolType.Func or ElfSymbolType.Common or ElfSymbolType.Tls or ElfSymbolType.GnuIfunc
        && (symbol.Value != 0 || symbol.Type == ElfSymbolType.Tls);
}
