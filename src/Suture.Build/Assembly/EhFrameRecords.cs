using Suture.Elf;
using Suture.Elf.Dwarf;

namespace Suture.Build.Assembly;

/// <summary>
/// The CIEs and FDEs of one relocatable object's <c>.eh_frame</c>, with the code section each FDE
/// describes (from the relocation of its initial location). Only the record boundaries are read:
/// the patch copies records verbatim, so augmentations need no decoding. The framing is
/// <see cref="EhFrameEntry"/>'s, the same the unwinder reads loaded tables with.
/// </summary>
internal sealed class EhFrameRecords
{
    private EhFrameRecords(ElfSection? section, IReadOnlyList<EhFrameRecord> records, IReadOnlyList<ElfRelocation> relocations)
    {
        Section = section;
        Records = records;
        Relocations = relocations;
    }

    public ElfSection? Section { get; }

    public IReadOnlyList<EhFrameRecord> Records { get; }

    public IReadOnlyList<ElfRelocation> Relocations { get; }

    /// <summary>Reads <paramref name="file"/>'s <c>.eh_frame</c>; throws naming <paramref name="name"/> when a record is malformed.</summary>
    public static EhFrameRecords Read(ElfFile file, string name)
    {
        ElfSection? section = file.Sections.FirstOrDefault(s => s.Name == ".eh_frame" && s.Type != ElfSectionType.NoBits);
        if (section is null)
        {
            return new EhFrameRecords(null, [], []);
        }

        IReadOnlyList<ElfRelocation> relocations = file.GetRelocations(section);
        var byOffset = relocations.GroupBy(r => r.Offset).ToDictionary(g => g.Key, g => g.First());
        ReadOnlySpan<byte> data = section.Data.Span;
        var records = new List<EhFrameRecord>();
        int position = 0;
        try
        {
            while (EhFrameEntry.Next(data, ref position, out EhFrameEntry entry))
            {
                if (entry.IsCie)
                {
                    records.Add(new EhFrameRecord(entry.Offset, entry.Length, entry.HeaderLength, -1, null));
                }
                else
                {
                    ElfSection? code = byOffset.TryGetValue((ulong)entry.ContentStart + 4, out ElfRelocation? initial)
                        && initial.Symbol is { IsDefined: true } symbol && symbol.SectionIndex < file.Sections.Count
                        ? file.Sections[symbol.SectionIndex]
                        : null;
                    if (!records.Any(r => r.Start == entry.CieOffset && r.IsCie))
                    {
                        throw new SutureException($"{name}: .eh_frame FDE at offset 0x{entry.Offset:x} points at no CIE before it", ExitCode.Unpatchable);
                    }

                    records.Add(new EhFrameRecord(entry.Offset, entry.Length, entry.HeaderLength, entry.CieOffset, code));
                }
            }
        }
        catch (DwarfFormatException e)
        {
            throw new SutureException($"{name}: .eh_frame {e.Message}", ExitCode.Unpatchable);
        }

        return new EhFrameRecords(section, records, relocations);
    }
}
