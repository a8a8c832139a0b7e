namespace Suture.Elf;

/// <summary>One Elf64_Rela entry with its symbol resolved from the linked symbol table.</summary>
public sealed class ElfRelocation
{
    internal ElfRelocation(ulong offset, uint type, int symbolIndex, ElfSymbol? symbol, long addend)
    {
        Offset = offset;
        Type = type;
        SymbolIndex = symbolIndex;
        Symbol = symbol;
        Addend = addend;
    }

    /// <summary>Section offset (relocatable objects) or virtual address (linked objects) to patch.</summary>
    public ulong Offset { get; }

    /// <summary>The R_X86_64_* number; see <see cref="X86_64RelocationType"/>.</summary>
    public uint Type { get; }

    public int SymbolIndex { get; }

    /// <summary>The referenced symbol, or null for symbol index 0.</summary>
    public ElfSymbol? Symbol { get; }

    public long Addend { get; }

    public override string ToString()
    {
        ulong magnitude = Addend < 0 ? (ulong)(-(Addend + 1)) + 1 : (ulong)Addend;
        return $"0x{Offset:x} {X86_64RelocationType.Name(Type)} {Symbol?.Name ?? "-"} {(Addend < 0 ? '-' : '+')} 0x{magnitude:x}";
    }
}
