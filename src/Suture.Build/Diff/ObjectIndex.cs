using System.Text;
using Suture.Elf;
using Suture.X86;

namespace Suture.Build.Diff;

/// <summary>
/// The functions and variables of one relocatable object (built with function and data
/// sections), with each function's relocations turned into keys that do not depend on layout:
/// a reference to a string literal compares by the string, not by its offset in the pool.
/// </summary>
internal sealed class ObjectIndex
{
    private ObjectIndex(string path, ElfFile file)
    {
        Path = path;
        File = file;
        Functions = [];
        Variables = [];
        var functionSymbols = new List<(ElfSymbol Symbol, ElfSection Section)>();
        var variables = new List<ElfSymbol>();
        foreach (ElfSymbol symbol in file.Symbols)
        {
            if (symbol.Type == ElfSymbolType.File && SourceFile is null && symbol.Name.Length > 0)
            {
                SourceFile = symbol.Name;
            }

            if (!symbol.IsDefined || symbol.IsAbsolute || symbol.IsCommon || symbol.SectionIndex >= file.Sections.Count || symbol.Name.Length == 0)
            {
                continue;
            }

            ElfSection section = file.Sections[symbol.SectionIndex];
            if (symbol.Type == ElfSymbolType.Func)
            {
                functionSymbols.Add((symbol, section));
            }
            else if (symbol.Type == ElfSymbolType.Object)
            {
                variables.Add(symbol);
            }
            else if (symbol.Type == ElfSymbolType.Tls)
            {
                ThreadLocals[symbol.Name] = symbol;
            }
        }

        _keys = SymbolKeys.Assign(functionSymbols.Select(f => f.Symbol.Name));
        foreach ((string name, string key) in SymbolKeys.AssignVariables(variables, StaticOwners(file, functionSymbols)))
        {
            _keys.TryAdd(name, key);
        }

        foreach (ElfSymbol variable in variables)
        {
            Variables[KeyOf(variable.Name)] = variable;
        }

        _literalBoundaries = LiteralBoundaries.Find(file, functionSymbols);
        foreach ((ElfSymbol symbol, ElfSection section) in functionSymbols)
        {
            Functions[KeyOf(symbol.Name)] = Describe(symbol, section);
        }
    }

    private readonly Dictionary<string, string> _keys;

    private readonly LiteralBoundaries _literalBoundaries;

    private VariableTypes? _types;

    public string Path { get; }

    public ElfFile File { get; }

    /// <summary>The source file the object was compiled from (its first STT_FILE symbol), e.g. <c>util.c</c>.</summary>
    public string? SourceFile { get; }

    /// <summary>How messages name the object: its source file, else its file name.</summary>
    public string DisplayName => SourceFile ?? System.IO.Path.GetFileName(Path);

    /// <summary>Functions by key (<see cref="SymbolKeys"/>).</summary>
    public Dictionary<string, ObjectFunction> Functions { get; }

    /// <summary>Variables by key (<see cref="SymbolKeys"/>).</summary>
    public Dictionary<string, ElfSymbol> Variables { get; }

    public Dictionary<string, ElfSymbol> ThreadLocals { get; } = [];

    /// <summary>The declared types of the variables, from the object's debug information (read on first use).</summary>
    public VariableTypes Types => _types ??= VariableTypes.Read(this);

    public static ObjectIndex Load(string path) => new(path, ElfFile.Load(path));

    /// <summary>The index of an object already read from <paramref name="path"/>.</summary>
    public static ObjectIndex Of(string path, ElfFile file) => new(path, file);

    /// <summary>The key (<see cref="SymbolKeys"/>) of a function or variable this object defines; other names are their own key.</summary>
    public string KeyOf(string name) => _keys.GetValueOrDefault(name, name);

    /// <summary>Bytes of a variable's initial value (empty for .bss).</summary>
    public ReadOnlySpan<byte> InitialValue(ElfSymbol variable)
    {
        ElfSection section = File.Sections[variable.SectionIndex];
        return section.Type == ElfSectionType.NoBits || variable.Value + variable.Size > (ulong)section.Data.Length
            ? []
            : section.Data.Span.Slice((int)variable.Value, (int)variable.Size);
    }

    /// <summary>The named symbol of <paramref name="type"/> in <paramref name="section"/> that covers <paramref name="offset"/>.</summary>
    public ElfSymbol? SymbolAt(ElfSection section, long offset, ElfSymbolType type)
    {
        ElfSymbol? best = null;
        foreach (ElfSymbol symbol in File.Symbols)
        {
            if (symbol.SectionIndex == section.Index && symbol.Type == type && symbol.Name.Length > 0
                && offset >= (long)symbol.Value && (offset < (long)(symbol.Value + symbol.Size) || (symbol.Size == 0 && offset == (long)symbol.Value)))
            {
                best = symbol;
            }
        }

        return best;
    }

    /// <summary>
    /// A compiler-generated or <c>static const</c> read-only object of this file
    /// (<c>__func__.N</c>, <c>__PRETTY_FUNCTION__.N</c>, <c>CSWTCH.N</c>, a constant table): not
    /// state to keep but data of the code that uses it, compared by content and carried with it.
    /// That includes <c>.data.rel.ro</c>: gcc puts there the const objects that hold addresses
    /// in position-independent code (a table of string pointers), writable only for the dynamic
    /// linker to relocate them and read-only after it (RELRO); the program never writes them.
    /// </summary>
    public bool IsConstant(ElfSymbol symbol) =>
        symbol.Type == ElfSymbolType.Object && symbol.Binding == ElfSymbolBinding.Local && symbol.SectionIndex < File.Sections.Count
        && File.Sections[symbol.SectionIndex] is { Type: not ElfSectionType.NoBits } section
        && (section.Flags & ElfSectionFlags.Tls) == 0 && (section.Flags & ElfSectionFlags.Alloc) != 0
        && ((section.Flags & ElfSectionFlags.Write) == 0 || IsRelocatedReadOnly(section.Name));

    /// <summary><c>.data.rel.ro</c>, <c>.data.rel.ro.local</c> and their per-variable forms (<c>-fdata-sections</c>).</summary>
    private static bool IsRelocatedReadOnly(string section) =>
        section == ".data.rel.ro" || section.StartsWith(".data.rel.ro.", StringComparison.Ordinal);

    /// <summary>
    /// The keys of the functions that reference each variable, in symbol table order: a
    /// function-local static (<c>count.2</c>) belongs to the function that uses it.
    /// </summary>
    private Dictionary<ElfSymbol, List<string>> StaticOwners(ElfFile file, List<(ElfSymbol Symbol, ElfSection Section)> functions)
    {
        var owners = new Dictionary<ElfSymbol, List<string>>();
        foreach ((ElfSymbol function, ElfSection section) in functions)
        {
            ulong size = Math.Min(function.Size, (ulong)section.Data.Length - Math.Min(function.Value, (ulong)section.Data.Length));
            InstructionMap? instructions = null;
            foreach (ElfRelocation relocation in file.GetRelocations(section))
            {
                if (relocation.Offset < function.Value || relocation.Offset >= function.Value + size || relocation.Symbol is not { } target
                    || !target.IsDefined || target.SectionIndex >= file.Sections.Count)
                {
                    continue;
                }

                ElfSymbol? variable = target.Type == ElfSymbolType.Object ? target : null;
                if (target.Type == ElfSymbolType.Section && (file.Sections[target.SectionIndex].Flags & ElfSectionFlags.ExecInstr) == 0)
                {
                    instructions ??= InstructionMap.Decode(section.Data.Span.Slice((int)function.Value, (int)size));
                    variable = SymbolAt(file.Sections[target.SectionIndex], TargetOffset(relocation, instructions, function.Value), ElfSymbolType.Object);
                }

                if (variable is not null)
                {
                    if (!owners.TryGetValue(variable, out List<string>? list))
                    {
                        owners[variable] = list = [];
                    }

                    string key = KeyOf(function.Name);
                    if (!list.Contains(key))
                    {
                        list.Add(key);
                    }
                }
            }
        }

        return owners;
    }

    public static bool IsPcRelative(uint type) => type is X86_64RelocationType.Pc32 or X86_64RelocationType.Plt32
        or X86_64RelocationType.GotPcRel or X86_64RelocationType.GotPcRelX or X86_64RelocationType.RexGotPcRelX
        or X86_64RelocationType.Pc64 or X86_64RelocationType.GotPc32 or X86_64RelocationType.TlsGd
        or X86_64RelocationType.TlsLd or X86_64RelocationType.GotTpOff or X86_64RelocationType.GotPc32TlsDesc;

    /// <summary>
    /// Offset in the referenced section that a relocation at <paramref name="offset"/> of a
    /// function means: the addend, corrected for PC-relative operands by the distance from the
    /// field to the end of its instruction.
    /// </summary>
    public static long TargetOffset(ElfRelocation relocation, InstructionMap instructions, ulong functionStart)
    {
        if (!IsPcRelative(relocation.Type))
        {
            return relocation.Addend;
        }

        int field = (int)(relocation.Offset - functionStart);
        int end = instructions.EndOfInstructionAt(field);
        return end < 0 ? relocation.Addend + 4 : relocation.Addend + (end - field);
    }

    private ObjectFunction Describe(ElfSymbol symbol, ElfSection section)
    {
        ulong size = Math.Min(symbol.Size, (ulong)section.Data.Length - Math.Min(symbol.Value, (ulong)section.Data.Length));
        ReadOnlyMemory<byte> code = section.Data.Slice((int)symbol.Value, (int)size);
        var instructions = InstructionMap.Decode(code.Span);
        var keys = new List<string>();
        foreach (ElfRelocation relocation in File.GetRelocations(section))
        {
            if (relocation.Offset < symbol.Value || relocation.Offset >= symbol.Value + size)
            {
                continue;
            }

            string target = Key(relocation, instructions, symbol.Value);
            keys.Add($"{relocation.Offset - symbol.Value}:{X86_64RelocationType.Name(relocation.Type)}:{target}");
        }

        return new ObjectFunction(symbol, KeyOf(symbol.Name), section, code, keys);
    }

    /// <param name="instructions">The code's instructions; null for a relocation in data, whose addend is its offset.</param>
    /// <param name="nested">
    /// Inside a constant's content: a constant it points to is named by its key, not described by
    /// its content again, so constants that point to each other end.
    /// </param>
    private string Key(ElfRelocation relocation, InstructionMap? instructions, ulong functionStart, bool nested = false)
    {
        ElfSymbol? symbol = relocation.Symbol;
        if (symbol is null)
        {
            return "none";
        }

        // Section symbols, and local labels the assembler keeps for mergeable strings (.LC0 at -O2), name a place, not a thing: compare what is there.
        bool label = symbol.Type == ElfSymbolType.NoType && symbol.Binding == ElfSymbolBinding.Local && symbol.IsDefined;
        if (symbol.Type != ElfSymbolType.Section && !label || symbol.SectionIndex >= File.Sections.Count)
        {
            return !nested && IsConstant(symbol) ? $"const:{Content(symbol)}{relocation.Addend:+0;-0}" : $"{KeyOf(symbol.Name)}{relocation.Addend:+0;-0}";
        }

        ElfSection section = File.Sections[symbol.SectionIndex];
        long offset = (label ? (long)symbol.Value : 0) + (instructions is null ? relocation.Addend : TargetOffset(relocation, instructions, functionStart));
        if ((section.Flags & ElfSectionFlags.Strings) != 0)
        {
            return "str:" + ReadString(section, offset);
        }

        ElfSymbolType kind = (section.Flags & ElfSectionFlags.ExecInstr) != 0 ? ElfSymbolType.Func : ElfSymbolType.Object;
        ElfSymbol? named = SymbolAt(section, offset, kind);
        return named is null ? "lit:" + _literalBoundaries.Describe(section, offset)
            : !nested && IsConstant(named) ? $"const:{Content(named)}+{offset - (long)named.Value}"
            : $"{KeyOf(named.Name)}+{offset - (long)named.Value}";
    }

    /// <summary>
    /// A constant's bytes and what its relocations point to, as text for a key (a digest when
    /// long): a table of pointers in <c>.rodata</c> of non-PIC code holds zeros where the
    /// pointers go, so its bytes alone would not show an entry pointed elsewhere.
    /// </summary>
    private string Content(ElfSymbol constant)
    {
        string text = Convert.ToHexStringLower(InitialValue(constant));
        IReadOnlyList<string> references = InitialReferences(constant, nested: true);
        if (references.Count > 0)
        {
            text += "|" + string.Join('|', references);
        }

        return text.Length <= 512 ? text : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// What the relocations inside a variable's initial value point to, by offset, type and
    /// layout-independent target (as function references are keyed), in offset order.
    /// </summary>
    public IReadOnlyList<string> InitialReferences(ElfSymbol variable) => InitialReferences(variable, nested: false);

    /// <param name="nested">Whether this is a constant's content (see <see cref="Key"/>).</param>
    private List<string> InitialReferences(ElfSymbol variable, bool nested)
    {
        var keys = new List<string>();
        if (variable.SectionIndex >= File.Sections.Count || File.Sections[variable.SectionIndex] is not { Type: not ElfSectionType.NoBits } section)
        {
            return keys;
        }

        foreach (ElfRelocation relocation in File.GetRelocations(section).OrderBy(r => r.Offset))
        {
            if (relocation.Offset >= variable.Value && relocation.Offset < variable.Value + variable.Size)
            {
                keys.Add($"{relocation.Offset - variable.Value}:{X86_64RelocationType.Name(relocation.Type)}:{Key(relocation, null, 0, nested)}");
            }
        }

        return keys;
    }

    private static string ReadString(ElfSection section, long offset)
    {
        ReadOnlySpan<byte> data = section.Data.Span;
        if (offset < 0 || offset >= data.Length)
        {
            return $"@{offset}";
        }

        ReadOnlySpan<byte> rest = data[(int)offset..];
        int end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }
}
