namespace Suture.Elf.Dwarf;

/// <summary>The abbreviations that start at one offset of .debug_abbrev, by code.</summary>
internal sealed class DwarfAbbreviationTable
{
    private readonly Dictionary<ulong, DwarfAbbreviation> _byCode = [];

    private DwarfAbbreviationTable()
    {
    }

    public static DwarfAbbreviationTable Read(DwarfSection section, ulong offset, string? file, DwarfReadLimits limits)
    {
        string where = section.Describe(file);
        if (offset >= (ulong)section.Data.Length)
        {
            throw new DwarfFormatException($"{where}: abbreviation table offset 0x{offset:x} is outside the {section.Data.Length}-byte section");
        }

        var cursor = new DwarfCursor(section.Data, where, (int)offset);
        var table = new DwarfAbbreviationTable();
        while (true)
        {
            ulong code = cursor.Uleb("abbreviation code");
            if (code == 0)
            {
                return table;
            }

            if (table._byCode.Count >= limits.MaxAbbreviations)
            {
                throw cursor.Error($"the abbreviation table at 0x{offset:x} has more than the limit of {limits.MaxAbbreviations} entries");
            }

            ulong tag = cursor.Uleb($"tag of abbreviation {code}");
            if (tag == 0 || tag > 0xffff)
            {
                throw cursor.Error($"abbreviation {code} has tag 0x{tag:x}, not a DW_TAG value");
            }

            byte children = cursor.U8($"children flag of abbreviation {code}");
            if (children > 1)
            {
                throw cursor.Error($"abbreviation {code} has children flag {children}, expected 0 or 1");
            }

            var attributes = new List<DwarfAttributeSpec>();
            while (true)
            {
                ulong name = cursor.Uleb($"attribute name in abbreviation {code}");
                ulong form = cursor.Uleb($"attribute form in abbreviation {code}");
                if (name == 0 && form == 0)
                {
                    break;
                }

                if (name > 0xffff || form > 0xffff || form == 0)
                {
                    throw cursor.Error($"abbreviation {code} has attribute 0x{name:x} with form 0x{form:x}, not DWARF values");
                }

                long implicitConst = form == DwarfForm.ImplicitConst ? cursor.Sleb($"implicit constant in abbreviation {code}") : 0;
                if (attributes.Count >= limits.MaxAttributesPerEntry)
                {
                    throw cursor.Error($"abbreviation {code} has more than the limit of {limits.MaxAttributesPerEntry} attributes");
                }

                attributes.Add(new DwarfAttributeSpec((int)name, (int)form, implicitConst));
            }

            if (!table._byCode.TryAdd(code, new DwarfAbbreviation(code, (int)tag, children == 1, [.. attributes])))
            {
                throw cursor.Error($"abbreviation code {code} appears twice in the table at 0x{offset:x}");
            }
        }
    }

    public DwarfAbbreviation? Find(ulong code) => _byCode.GetValueOrDefault(code);
}
