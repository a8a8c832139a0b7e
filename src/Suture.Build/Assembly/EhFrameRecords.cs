using System.Buffers.Binary;
using Suture.Elf;

namespace Suture.Build.Assembly;

/// <summary>
/// The CIEs and FDEs of one relocatable object's <c>.eh_frame</c>, with the code section each FDE
/// describes (from the relocation of its initial location). Only the record boundaries are read:
/// the patch copies records verbatim, so augmentations need no decoding.
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
        while (position + 4 <= data.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[position..]);
            if (length == 0)
            {
                break;
            }

            if (length == uint.MaxValue || length < 4 || length > (uint)(data.Length - position - 4))
            {
                throw new SutureException($"{name}: .eh_frame record at offset {position} has an invalid length {length}", ExitCode.Unpatchable);
            }

            int total = (int)length + 4;
            uint id = BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]);
            if (id == 0)
            {
                records.Add(new EhFrameRecord(position, total, -1, null));
            }
            else
            {
                int cie = position + 4 - (int)id;
                ElfSection? code = byOffset.TryGetValue((ulong)position + 8, out ElfRelocation? initial)
                    && initial.Symbol is { IsDefined: true } symbol && symbol.SectionIndex < file.Sections.Count
                    ? file.Sections[symbol.SectionIndex]
                    : null;
                if (cie < 0 || !records.Any(r => r.Start == cie && r.IsCie))
                {
                    throw new SutureException($"{name}: .eh_frame FDE at offset {position} points at no CIE before it", ExitCode.Unpatchable);
                }

                records.Add(new EhFrameRecord(position, total, cie, code));
            }

            position += total;
        }

        return new EhFrameRecords(section, records, relocations);
    }
}
