namespace Suture.Elf.Dwarf;

/// <summary>How to read a <see cref="DwarfAttributeValue"/>'s value, by the class of its form.</summary>
public enum DwarfValueKind
{
    /// <summary>data1..8, udata, implicit_const: <see cref="DwarfAttributeValue.Value"/> (implicit_const and sdata are sign-extended into it).</summary>
    Constant,

    /// <summary>flag, flag_present: <see cref="DwarfAttributeValue.Value"/> is 0 or 1.</summary>
    Flag,

    /// <summary>addr: the relocated value (in a relocatable object, the offset in the symbol's section).</summary>
    Address,

    /// <summary>An index into another section that is not resolved (addrx, loclistx, rnglistx).</summary>
    Index,

    /// <summary>An offset into another section (sec_offset, strp_sup, the GNU alternate-file forms).</summary>
    SectionOffset,

    /// <summary>A reference to another entry: <see cref="DwarfAttributeValue.Reference"/>.</summary>
    Reference,

    /// <summary>ref_sig8: the 8-byte signature of a type unit in <see cref="DwarfAttributeValue.Value"/>.</summary>
    TypeSignature,

    /// <summary>string, strp, line_strp, strx: <see cref="DwarfAttributeValue.Text"/>.</summary>
    Text,

    /// <summary>block, exprloc, data16: <see cref="DwarfAttributeValue.Block"/>.</summary>
    Block,
}
