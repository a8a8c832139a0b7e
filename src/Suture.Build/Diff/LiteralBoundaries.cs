using System.Security.Cryptography;
using Suture.Elf;
using Suture.X86;

namespace Suture.Build.Diff;

/// <summary>
/// Splits unnamed data (string literals and constants in <c>.rodata</c>, which gcc emits at -O0
/// without symbols) into the pieces the code references: every offset a relocation points at
/// starts a piece, which ends where the next one starts. A reference then compares by the bytes
/// of its piece without the zeros at its end (alignment padding before the next piece, or a
/// string's terminator), so moving or removing a neighbouring literal does not look like a change
/// and changing one does.
/// </summary>
internal sealed class LiteralBoundaries
{
    private const int MaxInlineBytes = 256;

    private readonly Dictionary<int, SortedSet<long>> _starts;

    private LiteralBoundaries(Dictionary<int, SortedSet<long>> starts)
    {
        _starts = starts;
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

        foreach (ElfSymbol symbol in file.Symbols)
        {
            if (symbol.IsDefined && symbol.SectionIndex < file.Sections.Count && (symbol.Type is ElfSymbolType.Object or ElfSymbolType.Func || symbol.Type == ElfSymbolType.NoType && symbol.Binding == ElfSymbolBinding.Local))
            {
                Add(starts, symbol.SectionIndex, (long)symbol.Value);
            }
        }

        return new LiteralBoundaries(starts);
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

        // The zeros before the next piece are the assembler's alignment padding as often as they are
        // data (a string's terminator, a constant's zero bytes): removing a neighbour moves the next
        // start or the section's end and changes the padding, not what the code reads.
        ReadOnlySpan<byte> piece = data[(int)offset..(int)end].TrimEnd((byte)0);
        return piece.Length <= MaxInlineBytes
            ? Convert.ToHexStringLower(piece)
            : Convert.ToHexStringLower(SHA256.HashData(piece));
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
