namespace Suture.Elf.Dwarf;

/// <summary>Where a debugging information entry is: the index of its ELF section and its offset in it.</summary>
public readonly record struct DwarfDieId(int SectionIndex, ulong Offset)
{
    public override string ToString() => $"<{SectionIndex}:0x{Offset:x}>";
}
