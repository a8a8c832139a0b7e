namespace Suture.Elf;

/// <summary>One entry of a symbol table (.symtab or .dynsym).</summary>
public sealed class ElfSymbol
{
    private const ushort SectionIndexAbsolute = 0xfff1;
    private const ushort SectionIndexCommon = 0xfff2;

    internal ElfSymbol(int index, string name, in ElfSymbolEntry entry, string? version, bool isDefaultVersion)
    {
        Index = index;
        Name = name;
        Value = entry.Value;
        Size = entry.Size;
        Type = entry.Type;
        Binding = entry.Binding;
        Visibility = entry.Visibility;
        SectionIndex = entry.SectionIndex;
        Version = version;
        IsDefaultVersion = isDefaultVersion;
    }

    /// <summary>Position in its symbol table.</summary>
    public int Index { get; }

    /// <summary>The name; for unnamed section symbols, the name of the section they stand for.</summary>
    public string Name { get; }

    public ulong Value { get; }

    public ulong Size { get; }

    public ElfSymbolType Type { get; }

    public ElfSymbolBinding Binding { get; }

    /// <summary>STV_* (the low two bits of <c>st_other</c>).</summary>
    public byte Visibility { get; }

    /// <summary>The raw <c>st_shndx</c>.</summary>
    public ushort SectionIndex { get; }

    public bool IsDefined => SectionIndex != 0;

    public bool IsAbsolute => SectionIndex == SectionIndexAbsolute;

    public bool IsCommon => SectionIndex == SectionIndexCommon;

    /// <summary>The GNU symbol version (dynamic symbols only), or null when unversioned.</summary>
    public string? Version { get; }

    /// <summary>False only for hidden versions (<c>name@VER</c> of a definition); true otherwise.</summary>
    public bool IsDefaultVersion { get; }

    public override string ToString() => Version is null ? Name : $"{Name}{(IsDefaultVersion && IsDefined ? "@@" : "@")}{Version}";
}
