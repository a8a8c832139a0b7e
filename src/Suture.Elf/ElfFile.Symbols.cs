namespace Suture.Elf;

public sealed partial class ElfFile
{
    private readonly ElfSymbol[] _symbols;
    private readonly ElfSymbol[] _dynamicSymbols;
    private readonly Dictionary<int, ElfSymbol[]> _symbolTables = [];

    /// <summary>The entries of the SHT_SYMTAB section; empty when the file is stripped.</summary>
    public IReadOnlyList<ElfSymbol> Symbols => _symbols;

    /// <summary>The entries of the SHT_DYNSYM section, with GNU symbol versions.</summary>
    public IReadOnlyList<ElfSymbol> DynamicSymbols => _dynamicSymbols;

    private (ElfSymbol[] Symbols, ElfSymbol[] Dynamic) ReadSymbolTables()
    {
        ElfSymbol[] symbols = [];
        ElfSymbol[] dynamic = [];
        ElfSection? symtab = FirstSection(ElfSectionType.SymTab);
        if (symtab is not null)
        {
            symbols = ReadSymbolTable(symtab, SymbolCount(symtab), versions: null);
            _symbolTables[symtab.Index] = symbols;
        }

        ElfSection? dynsym = FirstSection(ElfSectionType.DynSym);
        if (dynsym is not null)
        {
            int count = SymbolCount(dynsym);
            dynamic = ReadSymbolTable(dynsym, count, ReadVersions(dynsym, count));
            _symbolTables[dynsym.Index] = dynamic;
        }

        return (symbols, dynamic);
    }

    private ElfSection? FirstSection(ElfSectionType type)
    {
        foreach (ElfSection section in _sections)
        {
            if (section.Type == type)
            {
                return section;
            }
        }

        return null;
    }

    private int SymbolCount(ElfSection table)
    {
        string what = $"symbol table {table.Name} (section {table.Index})";
        if (table.EntrySize != ElfSymbolEntry.EntryLength)
        {
            throw _image.Error($"{what} has entry size {table.EntrySize}, expected {ElfSymbolEntry.EntryLength}");
        }

        ulong size = (ulong)table.Data.Length;
        if (size % ElfSymbolEntry.EntryLength != 0)
        {
            throw _image.Error($"{what} has size 0x{size:x}, not a multiple of the entry size {ElfSymbolEntry.EntryLength}");
        }

        ulong count = size / ElfSymbolEntry.EntryLength;
        if (count > (ulong)_image.Limits.MaxSymbols)
        {
            throw _image.Error($"{what} has {count} symbols, more than the limit of {_image.Limits.MaxSymbols}");
        }

        return (int)count;
    }

    /// <summary>The string table a symbol or version section names in sh_link.</summary>
    private ElfSection LinkedStringTable(ElfSection owner)
    {
        if (owner.Link >= (uint)_sections.Length)
        {
            throw _image.Error($"section {owner.Index} ({owner.Name}) links to string table section {owner.Link}, but the file has {_sections.Length} sections");
        }

        ElfSection strings = _sections[owner.Link];
        if (strings.Type != ElfSectionType.StrTab)
        {
            throw _image.Error($"section {owner.Index} ({owner.Name}) links to section {owner.Link} ({strings.Name}) of type {strings.Type}, expected a string table");
        }

        return strings;
    }

    private ElfSymbol[] ReadSymbolTable(ElfSection table, int count, (string? Name, bool Hidden)[]? versions)
    {
        ElfSection strings = LinkedStringTable(table);
        ReadOnlySpan<byte> names = strings.Data.Span;
        ReadOnlySpan<byte> entries = table.Data.Span;
        var symbols = new ElfSymbol[count];
        for (int i = 0; i < count; i++)
        {
            var entry = ElfSymbolEntry.Parse(entries[(i * ElfSymbolEntry.EntryLength)..]);
            string name = _image.ReadString(names, entry.NameOffset, strings.Name, $"symbol {i} of {table.Name}");
            if (name.Length == 0 && entry.Type == ElfSymbolType.Section && entry.SectionIndex < _sections.Length)
            {
                name = _sections[entry.SectionIndex].Name;
            }

            (string? version, bool hidden) = versions is null ? (null, false) : versions[i];
            symbols[i] = new ElfSymbol(i, name, entry, version, !hidden);
        }

        return symbols;
    }
}
