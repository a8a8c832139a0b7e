using Suture.Elf;
using Suture.Elf.Dwarf;

namespace Suture.Build.Diff;

/// <summary>
/// Which functions gcc inlined into a function, from the object's debug information: the
/// <c>DW_TAG_inlined_subroutine</c> entries under the function's concrete
/// <c>DW_TAG_subprogram</c>, named through their abstract origin. Null when the object has no
/// readable debug information.
/// </summary>
internal static class InlinedCalls
{
    public static IReadOnlySet<string>? Into(ElfFile file, string function)
    {
        if (!DwarfInfo.TryRead(file, out DwarfInfo? info, out _))
        {
            return null;
        }

        string name = SymbolKeys.Normalize(function).Split('.')[0];
        var inlined = new HashSet<string>(StringComparer.Ordinal);
        foreach (DwarfDie die in info.Entries())
        {
            if (die.Tag == DwarfTag.Subprogram && NameOf(info, die) == name)
            {
                Collect(info, die, inlined);
            }
        }

        return inlined;
    }

    private static void Collect(DwarfInfo info, DwarfDie die, HashSet<string> inlined)
    {
        foreach (DwarfDie child in die.Children)
        {
            if (child.Tag == DwarfTag.InlinedSubroutine && NameOf(info, child) is { } callee)
            {
                inlined.Add(callee);
            }

            Collect(info, child, inlined);
        }
    }

    /// <summary>The entry's name, or that of its abstract origin or specification (a few levels deep).</summary>
    private static string? NameOf(DwarfInfo info, DwarfDie die)
    {
        for (int depth = 0; depth < 4 && die is not null; depth++)
        {
            if (die.Name is { } name)
            {
                return name;
            }

            die = info.Resolve(die.Find(DwarfAttributeName.AbstractOrigin) ?? die.Find(DwarfAttributeName.Specification))!;
        }

        return null;
    }
}
