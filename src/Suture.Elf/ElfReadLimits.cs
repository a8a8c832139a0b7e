namespace Suture.Elf;

/// <summary>
/// Caps on every count and size read from an ELF file, so a malformed or hostile file is rejected
/// with a message instead of exhausting memory.
/// </summary>
public sealed class ElfReadLimits
{
    /// <summary>The limits used when none are given.</summary>
    public static ElfReadLimits Default { get; } = new();

    /// <summary>Largest file accepted, in bytes (4 GiB).</summary>
    public long MaxFileSize { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Most section headers accepted.</summary>
    public int MaxSections { get; init; } = 65535;

    /// <summary>Most program headers accepted.</summary>
    public int MaxSegments { get; init; } = 4096;

    /// <summary>Most entries accepted in one symbol table.</summary>
    public int MaxSymbols { get; init; } = 16 * 1024 * 1024;

    /// <summary>Most entries accepted in one relocation section.</summary>
    public int MaxRelocations { get; init; } = 64 * 1024 * 1024;

    /// <summary>Longest NUL-terminated string accepted from a string table, in bytes.</summary>
    public int MaxStringLength { get; init; } = 64 * 1024;
}
