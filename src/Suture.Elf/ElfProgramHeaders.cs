using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

/// <summary>
/// Program headers read from bytes that are not a whole file: the first page of an object mapped
/// in a process, or the table that <c>AT_PHDR</c> points at. The same header and entry decoding as
/// <see cref="ElfFile.Segments"/>, bounds-checked against the bytes given.
/// </summary>
public static class ElfProgramHeaders
{
    /// <summary>Bytes of one Elf64_Phdr; an entry size (e_phentsize, AT_PHENT) may be larger, never smaller.</summary>
    public const int EntryLength = ElfSegment.EntryLength;

    /// <summary>
    /// The program headers of the ELF header at the start of <paramref name="image"/>, whose table
    /// must lie inside <paramref name="image"/>; false with <paramref name="error"/> saying why not.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> image, [NotNullWhen(true)] out IReadOnlyList<ElfSegment>? segments, [NotNullWhen(false)] out string? error)
    {
        segments = null;
        if (!ElfHeader.TryParse(image, out ElfHeader header, out string? headerError))
        {
            error = headerError ?? "not an ELF header";
            return false;
        }

        ulong offset = header.ProgramHeaderOffset;
        int size = header.ProgramHeaderEntrySize;
        int count = header.ProgramHeaderCount;
        if (size < EntryLength)
        {
            error = $"program header entry size {size} (e_phentsize at offset 0x36) is less than {EntryLength}";
            return false;
        }

        if (offset > (ulong)image.Length || (ulong)count * (ulong)size > (ulong)image.Length - offset)
        {
            error = $"program header table at offset 0x{offset:x} with {count} entries of {size} bytes runs past the {image.Length} bytes read";
            return false;
        }

        segments = Parse(image.Slice((int)offset, count * size), size);
        error = null;
        return true;
    }

    /// <summary>Decodes a table of entries of <paramref name="entrySize"/> bytes (at least <see cref="EntryLength"/>); a partial entry at the end is ignored.</summary>
    public static IReadOnlyList<ElfSegment> Parse(ReadOnlySpan<byte> table, int entrySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entrySize, EntryLength);
        var segments = new ElfSegment[table.Length / entrySize];
        for (int i = 0; i < segments.Length; i++)
        {
            segments[i] = ElfSegment.Parse(table.Slice(i * entrySize, EntryLength));
        }

        return segments;
    }
}
