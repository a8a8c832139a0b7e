using System.Text.RegularExpressions;

namespace Suture.Elf.Tests;

/// <summary>The entries <c>readelf --debug-dump=info</c> shows, to compare the DWARF reader against.</summary>
public static partial class DwarfDump
{
    /// <summary>Per .debug_info/.debug_types section in file order: each entry as "depth offset name".</summary>
    public static List<List<string>> Entries(string path)
    {
        var sections = new List<List<string>>();
        List<string>? current = null;
        int last = -1;
        foreach (string line in Readelf.Run("--debug-dump=info", "--debug-dump=no-follow-links", path).Split('\n'))
        {
            Match header = SectionRegex().Match(line);
            if (header.Success)
            {
                current = header.Groups[1].Value is ".debug_info" or ".debug_types" ? [] : null;
                last = -1;
                if (current is not null)
                {
                    sections.Add(current);
                }

                continue;
            }

            Match entry = EntryRegex().Match(line);
            if (current is not null && entry.Success && entry.Groups[3].Value != "0")
            {
                current.Add($"{entry.Groups[1].Value} {Convert.ToUInt64(entry.Groups[2].Value, 16):x}");
                last = current.Count - 1;
                continue;
            }

            Match name = NameRegex().Match(line);
            if (current is not null && name.Success && last >= 0 && last < current.Count)
            {
                current[last] += " " + name.Groups[1].Value.TrimEnd();
            }
        }

        return sections;
    }

    [GeneratedRegex(@"^Contents of the (\S+) section")]
    private static partial Regex SectionRegex();

    [GeneratedRegex(@"^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)")]
    private static partial Regex EntryRegex();

    [GeneratedRegex(@"^\s*<[0-9a-f]+>\s+DW_AT_name\s*:\s*(?:\(\w+\) \(offset: 0x[0-9a-f]+\): |\(indirect (?:line )?string, offset: (?:0x)?[0-9a-f]+\): )?(.*)$")]
    private static partial Regex NameRegex();
}
