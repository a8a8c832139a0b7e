namespace Suture.Elf.Dwarf;

internal sealed partial class DwarfInfoReader
{
    private const uint Dwarf64Escape = 0xffff_ffff;
    private const uint ReservedLengths = 0xffff_fff0;

    private void ReadUnits(DwarfSection section, bool typesSection)
    {
        string where = section.Describe(_file.Name);
        byte[] data = section.Data;
        int position = 0;
        while (position < data.Length)
        {
            if (_units.Count >= _limits.MaxUnits)
            {
                throw new DwarfFormatException($"{where}: more than the limit of {_limits.MaxUnits} units");
            }

            var header = new DwarfCursor(data, where, position);
            ulong length = header.U32("unit length");
            int offsetSize = 4;
            if (length == Dwarf64Escape)
            {
                length = header.U64("64-bit unit length");
                offsetSize = 8;
            }
            else if (length >= ReservedLengths)
            {
                throw header.Error($"unit at 0x{position:x} has the reserved length 0x{length:x}");
            }

            if (length > (ulong)(data.Length - header.Position))
            {
                throw header.Error($"unit at 0x{position:x} has length 0x{length:x}, past the end of the {data.Length}-byte section");
            }

            int end = header.Position + (int)length;
            var cursor = new DwarfCursor(data.AsSpan(0, end), where, header.Position);
            (DwarfUnit unit, DwarfAbbreviationTable abbreviations) = ReadHeader(ref cursor, section, position, end, offsetSize, typesSection);
            ReadEntries(ref cursor, section, unit, abbreviations);
            _units.Add(unit);
            position = end;
        }
    }

    private (DwarfUnit Unit, DwarfAbbreviationTable Abbreviations) ReadHeader(ref DwarfCursor cursor, DwarfSection section, int start, int end, int offsetSize, bool typesSection)
    {
        ushort version = cursor.U16("unit version");
        if (version is < 2 or > 5)
        {
            throw cursor.Error($"unit at 0x{start:x} has DWARF version {version}; versions 2 to 5 are supported");
        }

        DwarfUnitKind kind = typesSection ? DwarfUnitKind.Type : DwarfUnitKind.Compile;
        int addressSize;
        int abbreviationField;
        ulong abbreviationOffset;
        if (version == 5)
        {
            byte type = cursor.U8("unit type");
            if (type is < (byte)DwarfUnitKind.Compile or > (byte)DwarfUnitKind.SplitType)
            {
                throw cursor.Error($"unit at 0x{start:x} has unit type {type}, not a DW_UT value");
            }

            kind = (DwarfUnitKind)type;
            addressSize = cursor.U8("address size");
            abbreviationField = cursor.Position;
            abbreviationOffset = cursor.Sized(offsetSize, "abbreviation offset");
        }
        else
        {
            abbreviationField = cursor.Position;
            abbreviationOffset = cursor.Sized(offsetSize, "abbreviation offset");
            addressSize = cursor.U8("address size");
        }

        if (addressSize is not (4 or 8))
        {
            throw cursor.Error($"unit at 0x{start:x} has address size {addressSize}, expected 8 (or 4)");
        }

        ulong? signature = null;
        DwarfDieId? typeEntry = null;
        if (kind is DwarfUnitKind.Type or DwarfUnitKind.SplitType)
        {
            signature = cursor.U64("type signature");
            ulong typeOffset = cursor.Sized(offsetSize, "type offset");
            if (typeOffset >= (ulong)(end - start))
            {
                throw cursor.Error($"type unit at 0x{start:x} has type offset 0x{typeOffset:x} outside the unit");
            }

            typeEntry = new DwarfDieId(section.Section.Index, (ulong)start + typeOffset);
        }
        else if (kind is DwarfUnitKind.Skeleton or DwarfUnitKind.SplitCompile)
        {
            cursor.U64("DWO id");
        }

        ElfSection abbreviationSection = TargetOf(section, (ulong)abbreviationField, null, ".debug_abbrev", in cursor);
        var unit = new DwarfUnit(section.Section.Index, (ulong)start, (ulong)end, version, kind, addressSize, offsetSize)
        {
            TypeSignature = signature,
            TypeEntry = typeEntry,
        };
        if (signature is { } sig && typeEntry is { } entry)
        {
            _typeUnits.TryAdd(sig, entry);
        }

        return (unit, Abbreviations(abbreviationSection, abbreviationOffset));
    }

    private void ReadEntries(ref DwarfCursor cursor, DwarfSection section, DwarfUnit unit, DwarfAbbreviationTable abbreviations)
    {
        var parents = new Stack<DwarfDie>();
        while (!cursor.AtEnd)
        {
            int offset = cursor.Position;
            ulong code = cursor.Uleb("abbreviation code");
            if (code == 0)
            {
                parents.TryPop(out _); // the end of a list of children (or padding after the root)
                continue;
            }

            DwarfAbbreviation abbreviation = abbreviations.Find(code)
                ?? throw cursor.Error($"the entry at 0x{offset:x} uses abbreviation code {code}, which its unit's abbreviation table does not define");
            if (_entries.Count >= _limits.MaxEntries)
            {
                throw cursor.Error($"more than the limit of {_limits.MaxEntries} entries");
            }

            DwarfDie? parent = parents.Count > 0 ? parents.Peek() : null;
            if (parent is null && unit.Root is not null)
            {
                throw cursor.Error($"the entry at 0x{offset:x} is a second top-level entry of the unit at 0x{unit.Offset:x}");
            }

            var attributes = new DwarfAttributeValue[abbreviation.Attributes.Length];
            for (int i = 0; i < attributes.Length; i++)
            {
                attributes[i] = ReadAttribute(ref cursor, section, unit, abbreviation.Attributes[i], isRoot: parent is null);
            }

            var die = new DwarfDie(new DwarfDieId(section.Section.Index, (ulong)offset), abbreviation.Tag, unit, parent, attributes);
            _entries[die.Id] = die;
            if (parent is null)
            {
                unit.Root = die;
                ResolveRootStrings(in cursor, die);
            }
            else
            {
                parent.AddChild(die);
            }

            if (abbreviation.HasChildren)
            {
                if (parents.Count >= _limits.MaxDepth)
                {
                    throw cursor.Error($"entries are nested deeper than the limit of {_limits.MaxDepth}");
                }

                parents.Push(die);
            }
        }
    }

    /// <summary>
    /// The root's own DW_FORM_strx names can only be read once its DW_AT_str_offsets_base is
    /// known, which may come after them.
    /// </summary>
    private void ResolveRootStrings(in DwarfCursor cursor, DwarfDie root)
    {
        if (root.Find(DwarfAttributeName.StrOffsetsBase) is { Kind: DwarfValueKind.SectionOffset } stringBase)
        {
            root.Unit.StringOffsetsBase = stringBase.Value;
        }

        for (int i = 0; i < root.Attributes.Count; i++)
        {
            DwarfAttributeValue attribute = root.Attributes[i];
            if (attribute.Kind == DwarfValueKind.Index && IsStringIndex(attribute.Form))
            {
                root.ReplaceAttribute(i, new DwarfAttributeValue(attribute.Name, attribute.Form, DwarfValueKind.Text, attribute.ValueOffset)
                {
                    Value = attribute.Value,
                    Text = ReadIndexedString(root.Unit, attribute.Value, in cursor),
                });
            }
        }
    }
}
