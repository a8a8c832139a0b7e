using System.Globalization;
using Suture.Elf;

namespace Suture.Kernel.Building;

/// <summary>
/// What the target kernel offers a module: the symbols it exports (its <c>Module.symvers</c>, from
/// the headers the module is built against) and, when given, every symbol of vmlinux (its ELF
/// symbol table with the source file of each local symbol, or a System.map / copy of
/// <c>/proc/kallsyms</c>), from which a local name's position among same-named symbols is found:
/// the <c>POS</c> of <c>.klp.sym.vmlinux.NAME,POS</c>, counted in address order as kallsyms does.
/// </summary>
internal sealed class KernelSymbols
{
    private readonly HashSet<string> _exported;
    private readonly Dictionary<string, List<(ulong Address, string? File)>>? _all;

    private KernelSymbols(HashSet<string> exported, Dictionary<string, List<(ulong Address, string? File)>>? all, string? source)
    {
        _exported = exported;
        _all = all;
        Source = source;
    }

    /// <summary>Where the list of all symbols came from; null when only exports are known.</summary>
    public string? Source { get; }

    public bool IsExported(string name) => _exported.Contains(name);

    public static KernelSymbols Load(string moduleSymvers, string? vmlinux, string? systemMap)
    {
        var exported = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(moduleSymvers))
        {
            string[] fields = line.Split('\t');
            if (fields.Length >= 3 && fields[2] == "vmlinux")
            {
                exported.Add(fields[1]);
            }
        }

        if (vmlinux is not null)
        {
            return new KernelSymbols(exported, FromVmlinux(ElfFile.Load(vmlinux)), vmlinux);
        }

        return systemMap is null ? new KernelSymbols(exported, null, null) : new KernelSymbols(exported, FromMap(systemMap), systemMap);
    }

    private static Dictionary<string, List<(ulong, string?)>> FromVmlinux(ElfFile vmlinux)
    {
        var all = new Dictionary<string, List<(ulong, string?)>>(StringComparer.Ordinal);
        string? file = null;
        foreach (ElfSymbol symbol in vmlinux.Symbols)
        {
            if (symbol.Type == ElfSymbolType.File)
            {
                file = symbol.Name;
                continue;
            }

            if (symbol.Name.Length == 0 || !symbol.IsDefined || symbol.Type is ElfSymbolType.Section)
            {
                continue;
            }

            Add(all, symbol.Name, symbol.Value, symbol.Binding == ElfSymbolBinding.Local ? file : null);
        }

        return Sorted(all);
    }

    private static Dictionary<string, List<(ulong, string?)>> FromMap(string path)
    {
        var all = new Dictionary<string, List<(ulong, string?)>>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path))
        {
            string[] fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 3 && fields.Length < 4 && ulong.TryParse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong address))
            {
                Add(all, fields[2], address, null); // a 4th field is a module's name: not vmlinux
            }
        }

        if (all.Count < 1000)
        {
            throw new SutureException($"{path}: holds {all.Count} symbols, not a kernel's symbol map (Debian's /boot/System.map is a placeholder: pass --vmlinux from the -dbg package, or a copy of the target's /proc/kallsyms read as root)", ExitCode.Usage);
        }

        return Sorted(all);
    }

    private static void Add(Dictionary<string, List<(ulong, string?)>> all, string name, ulong address, string? file)
    {
        if (!all.TryGetValue(name, out List<(ulong, string?)>? list))
        {
            all[name] = list = [];
        }

        list.Add((address, file));
    }

    private static Dictionary<string, List<(ulong, string?)>> Sorted(Dictionary<string, List<(ulong, string?)>> all)
    {
        foreach (List<(ulong Address, string?)> list in all.Values)
        {
            list.Sort((a, b) => a.Address.CompareTo(b.Address));
        }

        return all;
    }

    /// <summary>
    /// The position of <paramref name="name"/> among vmlinux's symbols of that name (0 when it is
    /// the only one, else 1-based in address order), or a refusal. Without a symbol list every name
    /// is taken to be unique (the kernel refuses the module at load time when it is not).
    /// </summary>
    public (int Position, string? Refusal) Position(string name, string? sourceFile, string what)
    {
        if (_all is null)
        {
            return (0, null);
        }

        if (!_all.TryGetValue(name, out List<(ulong Address, string? File)>? list))
        {
            return (0, $"{what}: {name} is not in the kernel's symbol table ({Source}): inlined or optimised away in the running kernel, or in a module (patching modules is not done yet)");
        }

        if (list.Count == 1)
        {
            return (0, null);
        }

        string? file = sourceFile is null ? null : Path.GetFileName(sourceFile);
        var matches = list.Select((s, i) => (s.File, Position: i + 1)).Where(s => s.File is not null && file is not null && Path.GetFileName(s.File) == file).ToList();
        return matches.Count == 1
            ? (matches[0].Position, null)
            : (0, $"{what}: vmlinux has {list.Count} symbols named {name} and {(Source is not null && _all.Values.Any(l => l.Any(s => s.File is not null)) ? $"{matches.Count} of them come from {file}" : "a symbol map does not tell which one is this file's")}; pass --vmlinux of the running kernel (from its -dbg package)");
    }
}
