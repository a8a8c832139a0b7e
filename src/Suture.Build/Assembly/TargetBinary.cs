using Suture.Elf;

namespace Suture.Build.Assembly;

/// <summary>The deployed binary a patch is built for: its Build ID, symbols and code.</summary>
internal sealed class TargetBinary
{
    private readonly Dictionary<string, List<ElfSymbol>> _defined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _importVersions = new(StringComparer.Ordinal);

    public TargetBinary(string path)
    {
        Path = path;
        File = ElfFile.Load(path);
        BuildId = File.BuildId ?? throw new SutureException($"{path} has no GNU Build ID note; link it with -Wl,--build-id so patches can be bound to it", ExitCode.Unpatchable);
        if (File.Symbols.Count == 0)
        {
            throw new SutureException($"{path} has no symbol table (it is stripped); give suture the unstripped binary or its debug file", ExitCode.Unpatchable);
        }

        foreach (ElfSymbol symbol in File.Symbols)
        {
            if (symbol.IsDefined && symbol.Name.Length > 0 && symbol.Type is ElfSymbolType.Func or ElfSymbolType.Object or ElfSymbolType.NoType or ElfSymbolType.Tls or ElfSymbolType.GnuIfunc)
            {
                string name = BaseName(symbol.Name);
                if (!_defined.TryGetValue(name, out List<ElfSymbol>? list))
                {
                    _defined[name] = list = [];
                }

                list.Add(symbol);
            }
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

    public string Name => System.IO.Path.GetFileName(Path);

    public ElfFile File { get; }

    public byte[] BuildId { get; }

    /// <summary>The definition of <paramref name="name"/> in the target, null if it has none.</summary>
    public ElfSymbol? Find(string name)
    {
        if (!_defined.TryGetValue(name, out List<ElfSymbol>? candidates))
        {
            return null;
        }

        List<ElfSymbol> distinct = candidates.DistinctBy(s => s.Value).ToList();
        return distinct.Count == 1
            ? distinct[0]
            : throw new SutureException($"{Path}: symbol {name} is defined {distinct.Count} times (static symbols with the same name in several files); cannot tell which one the patch means", ExitCode.Unpatchable);
    }

    /// <summary>The symbol version the target binds an imported name to (e.g. GLIBC_2.2.5), if it imports it.</summary>
    public string? ImportVersion(string name) => _importVersions.GetValueOrDefault(name);

    private static string BaseName(string name)
    {
        int at = name.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? name[..at] : name;
    }
}
