namespace Suture.Elf.Dwarf;

/// <summary>Decodes the units of an ELF file's .debug_info and .debug_types sections (see <see cref="DwarfInfo"/>).</summary>
internal sealed partial class DwarfInfoReader
{
    private readonly ElfFile _file;
    private readonly DwarfReadLimits _limits;
    private readonly Dictionary<int, DwarfSection> _sections = [];
    private readonly Dictionary<(int Section, ulong Offset), DwarfAbbreviationTable> _abbreviations = [];
    private readonly Dictionary<(int Section, ulong Offset), string> _strings = [];
    private readonly Dictionary<DwarfDieId, DwarfDie> _entries = [];
    private readonly Dictionary<ulong, DwarfDieId> _typeUnits = [];
    private readonly List<DwarfUnit> _units = [];

    public DwarfInfoReader(ElfFile file, DwarfReadLimits limits)
    {
        _file = file;
        _limits = limits;
    }

    public DwarfInfo Read()
    {
        foreach (ElfSection section in _file.Sections)
        {
            bool types = section.Name == ".debug_types";
            if ((types || section.Name == ".debug_info") && section.Type != ElfSectionType.NoBits)
            {
                ReadUnits(Load(section), types);
            }
        }

        return new DwarfInfo(_units, _entries, _typeUnits, _sections);
    }

    /// <summary>The section's bytes with its relocations applied, loaded once.</summary>
    private DwarfSection Load(ElfSection section)
    {
        if (!_sections.TryGetValue(section.Index, out DwarfSection? loaded))
        {
            loaded = DwarfSection.Load(_file, section);
            _sections[section.Index] = loaded;
        }

        return loaded;
    }

    /// <summary>
    /// The section an offset field at <paramref name="fieldOffset"/> of <paramref name="from"/>
    /// points into: the section of the symbol its relocation names (in a relocatable object),
    /// else <paramref name="fallback"/>.
    /// </summary>
    private ElfSection TargetOf(DwarfSection from, ulong fieldOffset, ElfSection? fallback, string fallbackName, in DwarfCursor cursor)
    {
        if (from.RelocationAt(fieldOffset)?.Symbol is { IsDefined: true, IsAbsolute: false, IsCommon: false } symbol && symbol.SectionIndex < _file.Sections.Count)
        {
            return _file.Sections[symbol.SectionIndex];
        }

        return fallback ?? _file.FindSection(fallbackName) ?? throw cursor.Error($"an offset refers to {fallbackName}, which the file does not have");
    }

    private DwarfAbbreviationTable Abbreviations(ElfSection section, ulong offset)
    {
        if (!_abbreviations.TryGetValue((section.Index, offset), out DwarfAbbreviationTable? table))
        {
            table = DwarfAbbreviationTable.Read(Load(section), offset, _file.Name, _limits);
            _abbreviations[(section.Index, offset)] = table;
        }

        return table;
    }

    /// <summary>The NUL-terminated string at <paramref name="offset"/> of a string section.</summary>
    private string ReadString(ElfSection section, ulong offset, in DwarfCursor at)
    {
        if (_strings.TryGetValue((section.Index, offset), out string? text))
        {
            return text;
        }

        DwarfSection strings = Load(section);
        if (offset >= (ulong)strings.Data.Length)
        {
            throw at.Error($"string offset 0x{offset:x} is outside the {strings.Data.Length}-byte section {section.Name}");
        }

        text = new DwarfCursor(strings.Data, strings.Describe(_file.Name), (int)offset).CString("string", _limits.MaxStringLength);
        _strings[(section.Index, offset)] = text;
        return text;
    }

    /// <summary>String <paramref name="index"/> of the unit's .debug_str_offsets contribution (DW_FORM_strx).</summary>
    private string ReadIndexedString(DwarfUnit unit, ulong index, in DwarfCursor at)
    {
        ElfSection offsetsSection = _file.FindSection(".debug_str_offsets")
            ?? throw at.Error($"string index {index} needs .debug_str_offsets, which the file does not have");
        DwarfSection offsets = Load(offsetsSection);
        ulong start = unit.StringOffsetsBase ?? (unit.Version >= 5 ? 8ul : 0ul);
        ulong size = (ulong)unit.OffsetSize;
        if (index > (ulong)offsets.Data.Length / size || start > (ulong)offsets.Data.Length - index * size || size > (ulong)offsets.Data.Length - start - index * size)
        {
            throw at.Error($"string index {index} is outside the {offsets.Data.Length}-byte .debug_str_offsets");
        }

        ulong field = start + index * size;
        var cursor = new DwarfCursor(offsets.Data, offsets.Describe(_file.Name), (int)field);
        ulong offset = cursor.Sized(unit.OffsetSize, "string offset");
        return ReadString(TargetOf(offsets, field, null, ".debug_str", in cursor), offset, in cursor);
    }
}
