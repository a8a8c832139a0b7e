namespace Suture.Build.Diff;

/// <summary>
/// Names that survive renumbering: gcc names clones and parts of a function <c>foo.constprop.0</c>,
/// <c>foo.isra.1</c>, <c>foo.part.0</c>, <c>foo.cold</c>, and function-static variables
/// <c>count.2</c>; the numbers change when other code changes. The key of a symbol drops those
/// numbers when that leaves it unique in its object, else it is the exact name.
/// </summary>
internal static class SymbolKeys
{
    private const string ColdSuffix = ".cold";

    /// <summary>Key of each name in <paramref name="names"/> (names of one kind, in one object).</summary>
    public static Dictionary<string, string> Assign(IEnumerable<string> names)
    {
        List<string> all = names.Distinct(StringComparer.Ordinal).ToList();
        var counts = all.GroupBy(Normalize, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return all.ToDictionary(n => n, n => counts[Normalize(n)] == 1 ? Normalize(n) : n, StringComparer.Ordinal);
    }

    /// <summary>
    /// Keys of variables: a local one with a number gcc added (<c>count.2</c>,
    /// <c>__PRETTY_FUNCTION__.5</c>, <c>CSWTCH.12</c>) is keyed by its name without the number
    /// and the function that references it first (<c>count@tick</c>), since the numbers count all
    /// such variables of the file and shift when the fix adds or removes one anywhere; several of
    /// one name in one function are told apart by their order. Other variables follow
    /// <see cref="Assign"/>.
    /// </summary>
    public static Dictionary<string, string> AssignVariables(IReadOnlyList<Suture.Elf.ElfSymbol> variables, IReadOnlyDictionary<Suture.Elf.ElfSymbol, List<string>> owners)
    {
        Dictionary<string, string> keys = Assign(variables.Select(v => v.Name));
        var owned = variables
            .Where(v => v.Binding == Suture.Elf.ElfSymbolBinding.Local && Normalize(v.Name) != v.Name && owners.ContainsKey(v))
            .GroupBy(v => Normalize(v.Name) + "@" + owners[v][0], StringComparer.Ordinal);
        foreach (IGrouping<string, Suture.Elf.ElfSymbol> group in owned)
        {
            int index = 0;
            foreach (Suture.Elf.ElfSymbol variable in group.OrderBy(v => Number(v.Name)))
            {
                keys[variable.Name] = index++ == 0 ? group.Key : $"{group.Key}#{index - 1}";
            }
        }

        return keys;
    }

    private static long Number(string name)
    {
        string last = name[(name.LastIndexOf('.') + 1)..];
        return long.TryParse(last, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : long.MaxValue;
    }

    /// <summary><c>foo.constprop.0.isra.3</c> becomes <c>foo.constprop.isra</c>; names without dots stay.</summary>
    public static string Normalize(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return name;
        }

        string[] parts = name.Split('.');
        return parts[0] + string.Concat(parts.Skip(1).Where(p => p.Length == 0 || !p.All(char.IsAsciiDigit)).Select(p => "." + p));
    }

    /// <summary>A <c>.cold</c> part: the rarely run blocks gcc moves out of a function; only that function jumps into it.</summary>
    public static bool IsColdPart(string key) => key.EndsWith(ColdSuffix, StringComparison.Ordinal);

    /// <summary>The key of the function a cold part belongs to.</summary>
    public static string ParentOfColdPart(string key) => key[..^ColdSuffix.Length];
}
