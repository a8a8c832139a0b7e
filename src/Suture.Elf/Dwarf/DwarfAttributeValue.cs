namespace Suture.Elf.Dwarf;

/// <summary>One decoded attribute of a <see cref="DwarfDie"/>.</summary>
public sealed class DwarfAttributeValue
{
    internal DwarfAttributeValue(int name, int form, DwarfValueKind kind, ulong valueOffset)
    {
        Name = name;
        Form = form;
        Kind = kind;
        ValueOffset = valueOffset;
    }

    /// <summary>DW_AT_*; see <see cref="DwarfAttributeName"/>.</summary>
    public int Name { get; }

    /// <summary>DW_FORM_* as encoded (after DW_FORM_indirect); see <see cref="DwarfForm"/>.</summary>
    public int Form { get; }

    public DwarfValueKind Kind { get; }

    /// <summary>Offset of the value's bytes in the entry's section (where a relocation would apply).</summary>
    public ulong ValueOffset { get; }

    /// <summary>The number for constants, flags, addresses, indices, section offsets and type signatures.</summary>
    public ulong Value { get; internal init; }

    /// <summary>The string for <see cref="DwarfValueKind.Text"/>.</summary>
    public string? Text { get; internal init; }

    /// <summary>The bytes for <see cref="DwarfValueKind.Block"/>; their offset in the section is <see cref="ValueOffset"/>.</summary>
    public ReadOnlyMemory<byte> Block { get; internal init; }

    /// <summary>The entry a <see cref="DwarfValueKind.Reference"/> points to.</summary>
    public DwarfDieId Reference { get; internal init; }

    /// <summary>The value as a signed number (constants stored sign-extended).</summary>
    public long SignedValue => (long)Value;

    public override string ToString() => Kind switch
    {
        DwarfValueKind.Text => $"0x{Name:x}: \"{Text}\"",
        DwarfValueKind.Reference => $"0x{Name:x}: {Reference}",
        DwarfValueKind.Block => $"0x{Name:x}: {Block.Length}-byte block",
        _ => $"0x{Name:x}: 0x{Value:x}",
    };
}
