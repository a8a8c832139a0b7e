namespace Suture.Elf.Dwarf;

internal sealed partial class DwarfInfoReader
{
    private static bool IsStringIndex(int form) => form is DwarfForm.Strx or DwarfForm.Strx1 or DwarfForm.Strx2 or DwarfForm.Strx3 or DwarfForm.Strx4 or DwarfForm.GnuStrIndex;

    /// <summary>Decodes one attribute value; a form this reader does not know stops the read rather than misparse the rest.</summary>
    private DwarfAttributeValue ReadAttribute(ref DwarfCursor cursor, DwarfSection section, DwarfUnit unit, DwarfAttributeSpec spec, bool isRoot)
    {
        int form = spec.Form;
        if (form == DwarfForm.Indirect)
        {
            ulong actual = cursor.Uleb($"indirect form of attribute 0x{spec.Name:x}");
            if (actual is DwarfForm.Indirect or DwarfForm.ImplicitConst or 0 or > 0xffff)
            {
                throw cursor.Error($"attribute 0x{spec.Name:x} has indirect form 0x{actual:x}, which cannot be indirect");
            }

            form = (int)actual;
        }

        ulong at = (ulong)cursor.Position;
        string what = $"attribute 0x{spec.Name:x} (form 0x{form:x})";
        DwarfAttributeValue Make(DwarfValueKind kind, ulong value = 0) => new(spec.Name, form, kind, at) { Value = value };
        DwarfAttributeValue Text(string text) => new(spec.Name, form, DwarfValueKind.Text, at) { Text = text };

        switch (form)
        {
            case DwarfForm.Addr:
                return Make(DwarfValueKind.Address, cursor.Sized(unit.AddressSize, what));
            case DwarfForm.Data1:
                return Make(DwarfValueKind.Constant, cursor.U8(what));
            case DwarfForm.Data2:
                return Make(DwarfValueKind.Constant, cursor.U16(what));
            case DwarfForm.Data4:
                return Make(DwarfValueKind.Constant, cursor.U32(what));
            case DwarfForm.Data8:
                return Make(DwarfValueKind.Constant, cursor.U64(what));
            case DwarfForm.Sdata:
                return Make(DwarfValueKind.Constant, (ulong)cursor.Sleb(what));
            case DwarfForm.Udata:
                return Make(DwarfValueKind.Constant, cursor.Uleb(what));
            case DwarfForm.ImplicitConst:
                return Make(DwarfValueKind.Constant, (ulong)spec.ImplicitConst);
            case DwarfForm.Flag:
                return Make(DwarfValueKind.Flag, cursor.U8(what) == 0 ? 0ul : 1ul);
            case DwarfForm.FlagPresent:
                return Make(DwarfValueKind.Flag, 1);
            case DwarfForm.InlineString:
                return Text(cursor.CString(what, _limits.MaxStringLength));
            case DwarfForm.Strp:
            case DwarfForm.LineStrp:
            {
                string strings = form == DwarfForm.Strp ? ".debug_str" : ".debug_line_str";
                ulong offset = cursor.Sized(unit.OffsetSize, what);
                return Text(ReadString(TargetOf(section, at, null, strings, in cursor), offset, in cursor));
            }

            case DwarfForm.Strx:
            case DwarfForm.GnuStrIndex:
            case DwarfForm.Strx1:
            case DwarfForm.Strx2:
            case DwarfForm.Strx3:
            case DwarfForm.Strx4:
            {
                ulong index = form is DwarfForm.Strx or DwarfForm.GnuStrIndex ? cursor.Uleb(what) : cursor.Sized(form - DwarfForm.Strx1 + 1, what);
                return isRoot ? Make(DwarfValueKind.Index, index) : Text(ReadIndexedString(unit, index, in cursor));
            }

            case DwarfForm.Addrx:
            case DwarfForm.GnuAddrIndex:
            case DwarfForm.Loclistx:
            case DwarfForm.Rnglistx:
                return Make(DwarfValueKind.Index, cursor.Uleb(what));
            case DwarfForm.Addrx1:
            case DwarfForm.Addrx2:
            case DwarfForm.Addrx3:
            case DwarfForm.Addrx4:
                return Make(DwarfValueKind.Index, cursor.Sized(form - DwarfForm.Addrx1 + 1, what));
            case DwarfForm.SecOffset:
            case DwarfForm.StrpSup:
            case DwarfForm.GnuStrpAlt:
            case DwarfForm.GnuRefAlt:
                return Make(DwarfValueKind.SectionOffset, cursor.Sized(unit.OffsetSize, what));
            case DwarfForm.RefSup4:
                return Make(DwarfValueKind.SectionOffset, cursor.U32(what));
            case DwarfForm.RefSup8:
                return Make(DwarfValueKind.SectionOffset, cursor.U64(what));
            case DwarfForm.Block1:
                return Block(ref cursor, section, spec, form, cursor.U8(what), what);
            case DwarfForm.Block2:
                return Block(ref cursor, section, spec, form, cursor.U16(what), what);
            case DwarfForm.Block4:
                return Block(ref cursor, section, spec, form, cursor.U32(what), what);
            case DwarfForm.Block:
            case DwarfForm.Exprloc:
                return Block(ref cursor, section, spec, form, cursor.Uleb(what), what);
            case DwarfForm.Data16:
                return Block(ref cursor, section, spec, form, 16, what);
            case DwarfForm.Ref1:
            case DwarfForm.Ref2:
            case DwarfForm.Ref4:
            case DwarfForm.Ref8:
            case DwarfForm.RefUdata:
            {
                ulong offset = form switch
                {
                    DwarfForm.Ref1 => cursor.U8(what),
                    DwarfForm.Ref2 => cursor.U16(what),
                    DwarfForm.Ref4 => cursor.U32(what),
                    DwarfForm.Ref8 => cursor.U64(what),
                    _ => cursor.Uleb(what),
                };
                if (offset >= unit.End - unit.Offset)
                {
                    throw cursor.Error($"{what} refers to unit offset 0x{offset:x}, outside its unit at 0x{unit.Offset:x}");
                }

                return new DwarfAttributeValue(spec.Name, form, DwarfValueKind.Reference, at) { Value = offset, Reference = new DwarfDieId(section.Section.Index, unit.Offset + offset) };
            }

            case DwarfForm.RefAddr:
            {
                ulong offset = cursor.Sized(unit.Version == 2 ? unit.AddressSize : unit.OffsetSize, what);
                ElfSection target = TargetOf(section, at, section.Section, section.Section.Name, in cursor);
                return new DwarfAttributeValue(spec.Name, form, DwarfValueKind.Reference, at) { Value = offset, Reference = new DwarfDieId(target.Index, offset) };
            }

            case DwarfForm.RefSig8:
                return Make(DwarfValueKind.TypeSignature, cursor.U64(what));
            default:
                throw cursor.Error($"{what} uses form 0x{form:x}, which this reader does not decode");
        }
    }

    /// <summary>A block (DW_FORM_block*, exprloc, data16): the section's bytes, not a copy.</summary>
    private DwarfAttributeValue Block(ref DwarfCursor cursor, DwarfSection section, DwarfAttributeSpec spec, int form, ulong length, string what)
    {
        int start = cursor.Position;
        int size = cursor.Bytes(length, what, _limits.MaxBlockLength).Length;
        return new(spec.Name, form, DwarfValueKind.Block, (ulong)start) { Block = new ReadOnlyMemory<byte>(section.Data, start, size) };
    }
}
