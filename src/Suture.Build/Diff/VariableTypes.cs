using Suture.Elf;
using Suture.Elf.Dwarf;

namespace Suture.Build.Diff;

/// <summary>
/// The declared types of an object's variables (globals, file statics and function statics),
/// from its DWARF (the wrappers compile with <c>-g</c>). A DW_TAG_variable is tied to its ELF
/// symbol by its location, <c>DW_OP_addr</c>, whose relocation names the symbol (or, for a
/// static, its section and the offset in it); a variable without one is matched by name when
/// that is unambiguous (a function static <c>count</c> is the symbol <c>count.2</c>).
/// </summary>
internal sealed class VariableTypes
{
    private const byte OpAddr = 0x03;
    private const int MaxIndirections = 8;

    private readonly DwarfInfo? _info;
    private readonly Dictionary<int, DwarfDie> _bySymbol = [];
    private readonly Dictionary<string, List<DwarfDie>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<int, TypeSignature?> _signatures = [];
    private readonly Dictionary<(int Section, ulong Value), ElfSymbol> _objects = [];

    private VariableTypes(string unavailable)
    {
        Unavailable = unavailable;
    }

    private VariableTypes(ObjectIndex index, DwarfInfo info)
    {
        _info = info;
        foreach (ElfSymbol symbol in index.File.Symbols)
        {
            if (symbol.Type == ElfSymbolType.Object && symbol.IsDefined)
            {
                _objects.TryAdd((symbol.SectionIndex, symbol.Value), symbol);
            }
        }

        foreach (DwarfDie die in info.Entries())
        {
            if (die.Tag != DwarfTag.Variable || die.Unit.Kind is not (DwarfUnitKind.Compile or DwarfUnitKind.Partial))
            {
                continue;
            }

            if (SymbolOf(die) is { } symbol)
            {
                _bySymbol.TryAdd(symbol.Index, die);
            }
            else if (HasStaticStorage(die) && NameOf(die) is { } name)
            {
                (_byName.TryGetValue(name, out List<DwarfDie>? list) ? list : _byName[name] = []).Add(die);
            }
        }
    }

    /// <summary>Why the types cannot be known (no or unreadable debug information); null when they can.</summary>
    public string? Unavailable { get; }

    public static VariableTypes Read(ObjectIndex index)
    {
        if (!DwarfInfo.TryRead(index.File, out DwarfInfo? info, out string? error))
        {
            return new VariableTypes($"its debug information cannot be read ({error})");
        }

        return info.IsEmpty ? new VariableTypes("it has no debug information") : new VariableTypes(index, info);
    }

    /// <summary>The type of <paramref name="variable"/>, or null when its debug information does not describe it.</summary>
    public TypeSignature? Of(ElfSymbol variable)
    {
        if (_info is null)
        {
            return null;
        }

        if (!_signatures.TryGetValue(variable.Index, out TypeSignature? signature))
        {
            DwarfDie? die = _bySymbol.GetValueOrDefault(variable.Index)
                ?? (_byName.TryGetValue(SymbolKeys.Normalize(variable.Name), out List<DwarfDie>? named) && named.Count == 1 ? named[0] : null);
            DwarfDie? type = die is null ? null : _info.Resolve(Declared(die, DwarfAttributeName.Type));
            signature = type is null ? null : TypeDescriber.Describe(_info, type);
            _signatures[variable.Index] = signature;
        }

        return signature;
    }

    /// <summary>The symbol a variable's <c>DW_OP_addr</c> location is relocated against.</summary>
    private ElfSymbol? SymbolOf(DwarfDie die)
    {
        if (die.Find(DwarfAttributeName.Location) is not { Kind: DwarfValueKind.Block } location
            || location.Block.Length != 1 + die.Unit.AddressSize || location.Block.Span[0] != OpAddr)
        {
            return null;
        }

        ElfRelocation? relocation = _info!.RelocationAt(die.Id.SectionIndex, location.ValueOffset + 1);
        if (relocation?.Symbol is not { IsDefined: true } symbol)
        {
            return null;
        }

        if (symbol.Type == ElfSymbolType.Object && relocation.Addend == 0)
        {
            return symbol;
        }

        ulong offset = unchecked((symbol.Type == ElfSymbolType.Section ? 0 : symbol.Value) + (ulong)relocation.Addend);
        return _objects.GetValueOrDefault((symbol.SectionIndex, offset));
    }

    /// <summary>A variable defined at file or namespace scope, or any variable at a fixed address (a function static).</summary>
    private static bool HasStaticStorage(DwarfDie die) =>
        die.Find(DwarfAttributeName.Location) is { Kind: DwarfValueKind.Block } location && location.Block.Length > 0 && location.Block.Span[0] == OpAddr
        || !die.Has(DwarfAttributeName.Declaration) && die.Parent?.Tag is DwarfTag.CompileUnit or DwarfTag.PartialUnit or DwarfTag.Namespace;

    private string? NameOf(DwarfDie die) => Declared(die, DwarfAttributeName.Name)?.Text;

    /// <summary>The attribute on the entry or on the declaration it completes (DW_AT_specification) or instantiates (DW_AT_abstract_origin).</summary>
    private DwarfAttributeValue? Declared(DwarfDie die, int attribute)
    {
        DwarfDie? current = die;
        for (int i = 0; i < MaxIndirections && current is not null; i++)
        {
            if (current.Find(attribute) is { } found)
            {
                return found;
            }

            current = _info!.Resolve(current.Find(DwarfAttributeName.Specification) ?? current.Find(DwarfAttributeName.AbstractOrigin));
        }

        return null;
    }
}
