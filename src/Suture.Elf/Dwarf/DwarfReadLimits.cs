namespace Suture.Elf.Dwarf;

/// <summary>Caps on every count and size read from DWARF, so hostile input is rejected with a message.</summary>
public sealed class DwarfReadLimits
{
    /// <summary>The limits used when none are given.</summary>
    public static DwarfReadLimits Default { get; } = new();

    /// <summary>Most units accepted in all .debug_info and .debug_types sections together.</summary>
    public int MaxUnits { get; init; } = 1024 * 1024;

    /// <summary>Most entries (DIEs) accepted in all units together.</summary>
    public int MaxEntries { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of entries accepted.</summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>Most abbreviations accepted in one abbreviation table.</summary>
    public int MaxAbbreviations { get; init; } = 1024 * 1024;

    /// <summary>Most attributes accepted in one abbreviation.</summary>
    public int MaxAttributesPerEntry { get; init; } = 512;

    /// <summary>Longest block or expression accepted, in bytes.</summary>
    public int MaxBlockLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Longest NUL-terminated string accepted, in bytes.</summary>
    public int MaxStringLength { get; init; } = 64 * 1024;
}
