namespace Suture.Elf;

public sealed partial class ElfFile
{
    private const ushort SectionIndexExtended = 0xffff;

    private readonly ElfSection[] _sections;

    /// <summary>All section headers, in file order; index 0 is the null section.</summary>
    public IReadOnlyList<ElfSection> Sections => _sections;

    /// <summary>The first section called <paramref name="name"/>, or null.</summary>
    public ElfSection? FindSection(string name)
    {
        foreach (ElfSection section in _sections)
        {
            if (section.Name == name)
            {
                return section;
            }
        }

        return null;
    }

    private ElfSection[] ReadSections(in ElfHeader header)
    {
        ulong tableOffset = header.SectionHeaderOffset;
        if (tableOffset == 0)
        {
            return [];
        }

        if (header.SectionHeaderEntrySize != ElfSectionHeader.EntryLength)
        {
            throw _image.Error($"section header entry size {header.SectionHeaderEntrySize} (e_shentsize at offset 0x3a) is not {ElfSectionHeader.EntryLength}");
        }

        ulong count = header.SectionHeaderCount;
        if (count == 0)
        {
            // Extended numbering: the real count is in section 0's sh_size.
            if (!_image.Fits(tableOffset, ElfSectionHeader.EntryLength))
            {
                throw _image.PastEnd($"section header table at offset 0x{tableOffset:x}");
            }

            count = ElfSectionHeader.Parse(_image.Data.Span[(int)tableOffset..]).Size;
            if (count == 0)
            {
                return [];
            }
        }

        if (count > (ulong)_image.Limits.MaxSections)
        {
            throw _image.Error($"section count {count} exceeds the limit of {_image.Limits.MaxSections}");
        }

        if (!_image.Fits(tableOffset, count * ElfSectionHeader.EntryLength))
        {
            throw _image.PastEnd($"section header table at offset 0x{tableOffset:x} with {count} entries");
        }

        var headers = new ElfSectionHeader[(int)count];
        ReadOnlySpan<byte> table = _image.Data.Span.Slice((int)tableOffset, headers.Length * ElfSectionHeader.EntryLength);
        for (int i = 0; i < headers.Length; i++)
        {
            headers[i] = ElfSectionHeader.Parse(table[(i * ElfSectionHeader.EntryLength)..]);
        }

        return ResolveSections(headers, SectionNameTableIndex(header, headers));
    }

    private ElfSection[] ResolveSections(ElfSectionHeader[] headers, int namesIndex)
    {
        ReadOnlySpan<byte> names = namesIndex == 0 ? default : SectionBytes($"section name string table (section {namesIndex})", headers[namesIndex]).Span;
        var sections = new ElfSection[headers.Length];
        for (int i = 0; i < headers.Length; i++)
        {
            ElfSectionHeader h = headers[i];
            string name = _image.ReadString(names, h.NameOffset, $"section {namesIndex}", $"section {i}");
            ReadOnlyMemory<byte> data = SectionBytes($"section {i} ({name})", h);
            sections[i] = new ElfSection(i, name, h, data);
        }

        return sections;
    }

    private int SectionNameTableIndex(in ElfHeader header, ElfSectionHeader[] headers)
    {
        uint index = header.SectionNameTableIndex == SectionIndexExtended ? headers[0].Link : header.SectionNameTableIndex;
        if (index >= (uint)headers.Length)
        {
            throw _image.Error($"section name string table index {index} (e_shstrndx) is out of range; the file has {headers.Length} sections");
        }

        return (int)index;
    }

    private ReadOnlyMemory<byte> SectionBytes(string what, in ElfSectionHeader h)
    {
        if (!h.HasFileData)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (!_image.Fits(h.Offset, h.Size))
        {
            throw _image.PastEnd($"{what} at offset 0x{h.Offset:x} with size 0x{h.Size:x}");
        }

        return _image.Slice(h.Offset, h.Size);
    }
}
