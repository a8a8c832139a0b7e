using Suture.Elf;

namespace Suture.Build.Workspace;

/// <summary>
/// What an object or linked output says about its contents: the source files named by its
/// <c>STT_FILE</c> symbols, the names it defines, and which of those are global. Used to tell
/// which members of an archive a link actually pulled in: the linker copies a member's
/// <c>STT_FILE</c> symbol and its definitions into the output's <c>.symtab</c>.
/// </summary>
internal sealed record LinkedSymbols(IReadOnlySet<string> Files, IReadOnlySet<string> Defined, IReadOnlySet<string> Globals)
{
    /// <summary>The summary of <paramref name="file"/>; null when it has no symbol table (stripped).</summary>
    public static LinkedSymbols? Of(ElfFile file)
    {
        if (file.Symbols.Count == 0)
        {
            return null;
        }

        var files = new HashSet<string>(StringComparer.Ordinal);
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var globals = new HashSet<string>(StringComparer.Ordinal);
        foreach (ElfSymbol symbol in file.Symbols)
        {
            if (symbol.Type == ElfSymbolType.File)
            {
                if (symbol.Name.Length > 0)
                {
                    files.Add(Path.GetFileName(symbol.Name));
                }
            }
            else if (symbol.IsDefined && symbol.Name.Length > 0 && symbol.Type is ElfSymbolType.Func or ElfSymbolType.Object or ElfSymbolType.GnuIfunc or ElfSymbolType.Tls)
            {
                defined.Add(symbol.Name);
                if (symbol.Binding != ElfSymbolBinding.Local)
                {
                    globals.Add(symbol.Name);
                }
            }
        }

        return new LinkedSymbols(files, defined, globals);
    }

    /// <summary>Reads <paramref name="path"/>; null when it is missing, not ELF, or stripped.</summary>
    public static LinkedSymbols? TryLoad(string path)
    {
        try
        {
            return File.Exists(path) ? Of(ElfFile.Load(path)) : null;
        }
        catch (SutureException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when this output (a linked executable or library) contains <paramref name="member"/>:
    /// it names the member's source file or defines one of the member's global names.
    /// </summary>
    public bool Contains(LinkedSymbols member) =>
        member.Files.Overlaps(Files) || member.Globals.Overlaps(Defined) || (member.Files.Count == 0 && member.Globals.Count == 0);
}
