using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf.Dwarf;

/// <summary>
/// The debugging information entries of an x86-64 ELF file (meant for relocatable objects):
/// every unit of every .debug_info and .debug_types section, versions 2 to 5, 32- and 64-bit
/// DWARF, with the section's relocations applied first. Malformed input, an unknown form or
/// version, or a count over <see cref="DwarfReadLimits"/> raises <see cref="DwarfFormatException"/>
/// from <see cref="Read"/> and nothing else; the decoded tree never throws afterwards.
/// </summary>
public sealed class DwarfInfo
{
    private readonly IReadOnlyDictionary<DwarfDieId, DwarfDie> _entries;
    private readonly IReadOnlyDictionary<ulong, DwarfDieId> _typeUnits;
    private readonly IReadOnlyDictionary<int, DwarfSection> _sections;

    internal DwarfInfo(IReadOnlyList<DwarfUnit> units, IReadOnlyDictionary<DwarfDieId, DwarfDie> entries, IReadOnlyDictionary<ulong, DwarfDieId> typeUnits, IReadOnlyDictionary<int, DwarfSection> sections)
    {
        Units = units;
        _entries = entries;
        _typeUnits = typeUnits;
        _sections = sections;
    }

    /// <summary>Every unit, in section and file order.</summary>
    public IReadOnlyList<DwarfUnit> Units { get; }

    /// <summary>True when the file has no debugging information entries.</summary>
    public bool IsEmpty => Units.Count == 0;

    /// <summary>Decodes the debugging information of <paramref name="file"/> (empty when it has none).</summary>
    public static DwarfInfo Read(ElfFile file, DwarfReadLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new DwarfInfoReader(file, limits ?? DwarfReadLimits.Default).Read();
    }

    /// <summary>Like <see cref="Read"/>, but reports malformed input as <paramref name="error"/>.</summary>
    public static bool TryRead(ElfFile file, [NotNullWhen(true)] out DwarfInfo? info, [NotNullWhen(false)] out string? error, DwarfReadLimits? limits = null)
    {
        try
        {
            info = Read(file, limits);
            error = null;
            return true;
        }
        catch (DwarfFormatException exception)
        {
            info = null;
            error = exception.Message;
            return false;
        }
    }

    /// <summary>Every entry of every unit, parents before children.</summary>
    public IEnumerable<DwarfDie> Entries()
    {
        var pending = new Stack<DwarfDie>();
        for (int i = Units.Count - 1; i >= 0; i--)
        {
            if (Units[i].Root is { } root)
            {
                pending.Push(root);
            }
        }

        while (pending.Count > 0)
        {
            DwarfDie die = pending.Pop();
            yield return die;
            for (int i = die.Children.Count - 1; i >= 0; i--)
            {
                pending.Push(die.Children[i]);
            }
        }
    }

    /// <summary>The entry at <paramref name="id"/>, or null.</summary>
    public DwarfDie? Find(DwarfDieId id) => _entries.GetValueOrDefault(id);

    /// <summary>
    /// The entry a reference attribute points to: another entry (DW_FORM_ref*), or the type a type
    /// unit describes (DW_FORM_ref_sig8). Null for other attributes and dangling references.
    /// </summary>
    public DwarfDie? Resolve(DwarfAttributeValue? attribute) => attribute?.Kind switch
    {
        DwarfValueKind.Reference => Find(attribute.Reference),
        DwarfValueKind.TypeSignature => _typeUnits.TryGetValue(attribute.Value, out DwarfDieId id) ? Find(id) : null,
        _ => null,
    };

    /// <summary>The relocation applied at <paramref name="offset"/> of the debug section <paramref name="sectionIndex"/>, if any.</summary>
    public ElfRelocation? RelocationAt(int sectionIndex, ulong offset) =>
        _sections.TryGetValue(sectionIndex, out DwarfSection? section) ? section.RelocationAt(offset) : null;
}
