using System.Security.Cryptography;
using Suture.Elf;
using Suture.X86;

namespace Suture.Build.Diff;

/// <summary>
/// Splits unnamed data (string literals and constants in <c>.rodata</c>, which gcc emits at -O0
/// without symbols) into the pieces the code references: every offset a relocation points at
/// starts a piece, which ends where the next one starts (or where its symbol, its string or its
/// pool entry ends). A reference then compares by the bytes of its piece without the zeros at its
/// end that can be padding (<see cref="Piece"/>), so moving or removing a neighbouring literal does not look like a change
/// and changing one does.
/// </summary>
internal sealed class LiteralBoundaries
{
    private const int MaxInlineBytes = 256;

    private readonly Dictionary<int, SortedSet<long>> _starts;

    /// <summary>The sizes of the sized symbols (named constants) at each section offset: a piece that starts at one is exactly that long.</summary>
    private readonly Dictionary<(int Section, long Offset), ulong> _sizes;

    private LiteralBoundaries(Dictionary<int, SortedSet<long>> starts, Dictionary<(int Section, long Offset), ulong> sizes)
    {
        _starts = starts;
        _sizes = sizes;
    }

    public static LiteralBoundaries Find(ElfFile file, IEnumerable<(ElfSymbol Symbol, ElfSection Section)> functions)
    {
        var starts = new Dictionary<int, SortedSet<long>>();
        foreach ((ElfSymbol symbol, ElfSection section) in functions)
        {
            ulong size = Math.Min(symbol.Size, (ulong)section.Data.Length - Math.Min(symbol.Value, (ulong)section.Data.Length));
            InstructionMap? instructions = null;
            foreach (ElfRelocation relocation in file.GetRelocations(section))
            {
                if (relocation.Offset < symbol.Value || relocation.Offset >= symbol.Value + size || relocation.Symbol is not { Type: ElfSymbolType.Section } target
                    || target.SectionIndex >= file.Sections.Count || (file.Sections[target.SectionIndex].Flags & ElfSectionFlags.ExecInstr) != 0)
                {
                    continue;
                }

                instructions ??= InstructionMap.Decode(section.Data.Span.Slice((int)symbol.Value, (int)size));
                Add(starts, target.SectionIndex, ObjectIndex.TargetOffset(relocation, instructions, symbol.Value));
            }
        }

        var sizes = new Dictionary<(int Section, long Offset), ulong>();
        foreach (ElfSymbol symbol in file.Symbols)
        {
            if (symbol.IsDefined && symbol.SectionIndex < file.Sections.Count && (symbol.Type is ElfSymbolType.Object or ElfSymbolType.Func || symbol.Type == ElfSymbolType.NoType && symbol.Binding == ElfSymbolBinding.Local))
            {
                Add(starts, symbol.SectionIndex, (long)symbol.Value);
                if (symbol.Type == ElfSymbolType.Object && symbol.Size > 0)
                {
                    sizes[(symbol.SectionIndex, (long)symbol.Value)] = Math.Max(symbol.Size, sizes.GetValueOrDefault((symbol.SectionIndex, (long)symbol.Value)));
                }
            }
        }

        return new LiteralBoundaries(starts, sizes);
    }

    /// <summary>The bytes of the piece of <paramref name="section"/> at <paramref name="offset"/>, as text for a key.</summary>
    public string Describe(ElfSection section, long offset)
    {
        ReadOnlySpan<byte> data = section.Data.Span;
        if (section.Type == ElfSectionType.NoBits || offset < 0 || offset >= data.Length)
        {
            return $"{section.Name}@{offset}";
        }

        long end = data.Length;
        if (_starts.TryGetValue(section.Index, out SortedSet<long>? starts))
        {
            foreach (long start in starts.GetViewBetween(offset + 1, long.MaxValue))
            {
                end = start;
                break;
            }
        }

        ReadOnlySpan<byte> piece = Piece(section, data, offset, end);
        return piece.Length <= MaxInlineBytes
            ? Convert.ToHexStringLower(piece)
            : Convert.ToHexStringLower(SHA256.HashData(piece));
    }

    /// <summary>
    /// The bytes the code reads at <paramref name="offset"/>: a named constant's own size; a
    /// string of a string pool up to its terminator; one entry of a pool of constants; else up
    /// to the next piece, without the zeros at its end that can be alignment padding (at most
    /// the section's alignment, plus a string's terminator): removing a neighbour moves the next
    /// start or the section's end and changes the padding, not what the code reads, while zeros
    /// beyond that (an all-zero table grown from 16 to 32 bytes) are data and count.
    /// </summary>
    private ReadOnlySpan<byte> Piece(ElfSection section, ReadOnlySpan<byte> data, long offset, long end)
    {
        if (_sizes.TryGetValue((section.Index, offset), out ulong size))
        {
            return data.Slice((int)offset, (int)Math.Min(size, (ulong)(data.Length - offset)));
        }

        if ((section.Flags & ElfSectionFlags.Strings) != 0)
        {
            int terminator = data[(int)offset..].IndexOf((byte)0);
            return terminator < 0 ? data[(int)offset..] : data.Slice((int)offset, terminator + 1);
        }

        if ((section.Flags & ElfSectionFlags.Merge) != 0 && section.EntrySize > 0)
        {
            return data.Slice((int)offset, (int)Math.Min(section.EntrySize, (ulong)(data.Length - offset)));
        }

        ReadOnlySpan<byte> piece = data[(int)offset..(int)end];
        int zeros = piece.Length - piece.TrimEnd((byte)0).Length;
        long slack = (long)Math.Max(section.Alignment, 1) + 1;
        return piece[..(piece.Length - (int)Math.Min(zeros, slack))];
    }

    private static void Add(Dictionary<int, SortedSet<long>> starts, int section, long offset)
    {
        if (!starts.TryGetValue(section, out SortedSet<long>? set))
        {
            starts[section] = set = [];
        }

        set.Add(offset);
    }
}
