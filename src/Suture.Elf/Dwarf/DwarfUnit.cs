namespace Suture.Elf.Dwarf;

/// <summary>One unit of .debug_info or .debug_types: its header and its tree of entries.</summary>
public sealed class DwarfUnit
{
    internal DwarfUnit(int sectionIndex, ulong offset, ulong end, int version, DwarfUnitKind kind, int addressSize, int offsetSize)
    {
        SectionIndex = sectionIndex;
        Offset = offset;
        End = end;
        Version = version;
        Kind = kind;
        AddressSize = addressSize;
        OffsetSize = offsetSize;
    }

    public int SectionIndex { get; }

    /// <summary>Offset of the unit header in its section.</summary>
    public ulong Offset { get; }

    /// <summary>Offset just past the unit.</summary>
    public ulong End { get; }

    /// <summary>DWARF version, 2 to 5.</summary>
    public int Version { get; }

    public DwarfUnitKind Kind { get; }

    /// <summary>Size of an address (8 on x86-64).</summary>
    public int AddressSize { get; }

    /// <summary>Size of a section offset: 4 (32-bit DWARF) or 8 (64-bit DWARF).</summary>
    public int OffsetSize { get; }

    /// <summary>For type units: the signature other units refer to with DW_FORM_ref_sig8.</summary>
    public ulong? TypeSignature { get; internal init; }

    /// <summary>For type units: the entry of the type the unit describes.</summary>
    public DwarfDieId? TypeEntry { get; internal init; }

    /// <summary>The root entry (DW_TAG_compile_unit, DW_TAG_type_unit, ...); null for an empty unit.</summary>
    public DwarfDie? Root { get; internal set; }

    /// <summary>DW_AT_str_offsets_base of the root, for DW_FORM_strx.</summary>
    internal ulong? StringOffsetsBase { get; set; }

    public override string ToString() => $"unit at <{SectionIndex}:0x{Offset:x}> version {Version} {Kind}";
}
