using Suture.Elf;

namespace Suture.Build.Assembly;

/// <summary>
/// The deployed binary a patch is built for: its Build ID, symbols (with the source file of each
/// local one) and code. The code always comes from the binary itself; the symbols from its
/// <c>.symtab</c>, or for a stripped binary (<c>.dynsym</c> only, as distributions ship them) from
/// its separate debug file found by Build ID (<see cref="DebugFiles"/>), or else from the rebuilt
/// original's link output, where it has equal code at equal addresses (<see cref="AdoptFromRebuild"/>).
/// </summary>
internal sealed partial class TargetBinary
{
    private readonly Dictionary<string, List<ElfSymbol>> _defined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _importVersions = new(StringComparer.Ordinal);
    private readonly Dictionary<ElfSymbol, string> _files = [];

    public TargetBinary(string path)
    {
        Path = path;
        File = ElfFile.Load(path);
        BuildId = File.BuildId ?? throw new SutureException($"{path} has no GNU Build ID note; link it with -Wl,--build-id so patches can be bound to it", ExitCode.Unpatchable);
        if (IsSeparateDebugFile(File))
        {
            throw new SutureException(
                $"{path} is a separate debug file (its code sections are empty, SHT_NOBITS); give the installed binary with Build ID {File.BuildIdHex} as --target: suture reads the code from it and finds this debug file by its Build ID",
                ExitCode.Usage);
        }

        if (File.Symbols.Count > 0)
        {
            Index(File.Symbols);
            SymbolSource = "its symbol table";
        }
        else if (DebugFiles.Find(File.BuildIdHex!) is { } debug)
        {
            DebugFile = debug;
            DebugElf = ElfFile.Load(debug);
            Index(DebugElf.Symbols);
            SymbolSource = $"its debug file {debug}";
        }
        else
        {
            // Stripped and no debug file: the exported functions until the rebuild supplies the rest.
            Index(File.DynamicSymbols);
        }

        foreach (ElfSymbol symbol in File.DynamicSymbols)
        {
            if (!symbol.IsDefined && symbol.Name.Length > 0)
            {
                _importVersions[symbol.Name] = symbol.Version;
            }
        }
    }

    public string Path { get; }

    /// <summary>Whether the target is the program itself (fixed or position-independent), not a shared library.</summary>
    public bool IsExecutable => File.Type == ElfFileType.Executable || File.Segments.Any(s => s.Type == ElfSegmentType.Interp);

    public string Name => System.IO.Path.GetFileName(Path);

    public ElfFile File { get; }

    public byte[] BuildId { get; }

    /// <summary>The separate debug file the symbols came from, if any.</summary>
    public string? DebugFile { get; }

    /// <summary>That debug file as read (<see cref="DebugFile"/>), so it is read once.</summary>
    public ElfFile? DebugElf { get; }

    /// <summary>The rebuilt link output a stripped target took its symbols from (<see cref="AdoptFromRebuild"/>), as read.</summary>
    public (string Path, ElfFile File)? Rebuilt { get; private set; }

    /// <summary>Where the symbols come from (for messages); null while a stripped target has only its exported ones.</summary>
    public string? SymbolSource { get; private set; }

    /// <summary>True for a stripped target without a debug file whose local symbols must still come from the rebuild.</summary>
    public bool NeedsSymbols => SymbolSource is null;

    /// <summary>
    /// Functions of the rebuilt original's link output that the stripped target does not have at
    /// the same address with the same code (name, source file, address): the rebuild did not
    /// reproduce them, so they could not be located.
    /// </summary>
    public IReadOnlyList<(string Name, string? File, ulong Address)> Unplaced => _unplaced;

    private readonly List<(string Name, string? File, ulong Address)> _unplaced = [];

    /// <summary>
    /// The definition of <paramref name="name"/> in the target, null if it has none. Static
    /// symbols defined in several source files are told apart by <paramref name="sourceFile"/>:
    /// local symbols belong to the file named by the STT_FILE symbol before them.
    /// </summary>
    public ElfSymbol? Find(string name, string? sourceFile = null)
    {
        ElfSymbol? found = TryFind(name, sourceFile, out List<ElfSymbol> candidates);
        if (found is null && candidates.Count > 1)
        {
            string files = string.Join(", ", candidates.Select(s => _files.GetValueOrDefault(s, s.Binding == ElfSymbolBinding.Local ? "unknown file" : "global")));
            throw new SutureException(
                $"{Path}: symbol {name} is defined {candidates.Count} times (in {files}); the patched object's source file {sourceFile ?? "(unknown)"} matches {(sourceFile is null ? "none" : "not exactly one")} of them, so suture cannot tell which one the patch means (rename one of the static functions, or keep the source file names distinct)",
                ExitCode.Unpatchable);
        }

        return found;
    }

    /// <summary>Like <see cref="Find"/> but null, not an error, when the name stays ambiguous.</summary>
    public ElfSymbol? TryFind(string name, string? sourceFile, out List<ElfSymbol> candidates)
    {
        candidates = _defined.TryGetValue(name, out List<ElfSymbol>? all) ? all.DistinctBy(s => s.Value).ToList() : [];
        if (candidates.Count <= 1)
        {
            return candidates.FirstOrDefault();
        }

        string? file = sourceFile is null ? null : System.IO.Path.GetFileName(sourceFile);
        var inFile = candidates.Where(s => file is not null && _files.GetValueOrDefault(s) == file).ToList();
        if (inFile.Count == 1)
        {
            return inFile[0];
        }

        var global = candidates.Where(s => s.Binding != ElfSymbolBinding.Local).ToList();
        return inFile.Count == 0 && global.Count == 1 ? global[0] : null;
    }

    /// <summary>The symbol version the target binds an imported name to (e.g. GLIBC_2.2.5), if it imports it.</summary>
    public string? ImportVersion(string name) => _importVersions.GetValueOrDefault(name);

    private void Index(IEnumerable<ElfSymbol> symbols, Func<ElfSymbol, string?, bool>? accept = null)
    {
        string? file = null;
        foreach (ElfSymbol symbol in symbols)
        {
            if (symbol.Type == ElfSymbolType.File)
            {
                file = symbol.Name.Length > 0 ? System.IO.Path.GetFileName(symbol.Name) : null;
                continue;
            }

            if (symbol.IsDefined && symbol.Name.Length > 0 && symbol.Type is ElfSymbolType.Func or ElfSymbolType.Object or ElfSymbolType.NoType or ElfSymbolType.Tls or ElfSymbolType.GnuIfunc
                && (accept is null || accept(symbol, symbol.Binding == ElfSymbolBinding.Local ? file : null)))
            {
                string name = BaseName(symbol.Name);
                if (!_defined.TryGetValue(name, out List<ElfSymbol>? list))
                {
                    _defined[name] = list = [];
                }

                list.Add(symbol);
                if (symbol.Binding == ElfSymbolBinding.Local && file is not null)
                {
                    _files[symbol] = file;
                }
            }
        }
    }

    private static bool IsSeparateDebugFile(ElfFile file) =>
        file.FindSection(".text") is { Type: ElfSectionType.NoBits } && file.Symbols.Count > 0;

    private static string BaseName(string name)
    {
        int at = name.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? name[..at] : name;
    }
}
