using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Suture.Elf.Tests;

/// <summary>Program headers and dynamic entries read from bytes that are not a whole file, as from a process's memory.</summary>
[Collection(ElfFixtureGroup.Name)]
public sealed partial class ProgramHeaderTests(ElfFixture fixture)
{
    [Fact]
    public void TryRead_of_the_first_page_matches_the_files_segments()
    {
        foreach (string path in new[] { fixture.PiePath, fixture.NoPiePath, fixture.SharedPath })
        {
            byte[] page = File.ReadAllBytes(path).AsSpan(0, 4096).ToArray();

            Assert.True(ElfProgramHeaders.TryRead(page, out IReadOnlyList<ElfSegment>? segments, out string? error), error);
            Assert.Equal(ElfFile.Load(path).Segments.Select(s => s.ToString()), segments.Select(s => s.ToString()));
            Assert.Contains(segments, s => s.Type == ElfSegmentType.Note);
        }
    }

    [Fact]
    public void Parse_takes_larger_entries()
    {
        ElfFile file = ElfFile.Load(fixture.PiePath);
        byte[] data = File.ReadAllBytes(fixture.PiePath);
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(0x20));
        int count = file.Segments.Count;
        byte[] padded = new byte[count * 64];
        for (int i = 0; i < count; i++)
        {
            data.AsSpan((int)offset + (i * 56), 56).CopyTo(padded.AsSpan(i * 64));
        }

        Assert.Equal(file.Segments.Select(s => s.ToString()), ElfProgramHeaders.Parse(padded, 64).Select(s => s.ToString()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ElfProgramHeaders.Parse(padded, 48));
    }

    [Fact]
    public void TryRead_refuses_what_it_cannot_read()
    {
        byte[] page = File.ReadAllBytes(fixture.PiePath).AsSpan(0, 4096).ToArray();

        Assert.False(ElfProgramHeaders.TryRead(page.AsSpan(0, 100), out _, out string? truncated));
        Assert.Contains("runs past the 100 bytes read", truncated, StringComparison.Ordinal);
        Assert.False(ElfProgramHeaders.TryRead("not an ELF header at all, but text of some length......................"u8, out _, out string? text));
        Assert.Contains("not an ELF file", text, StringComparison.Ordinal);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(0x36), 40);
        Assert.False(ElfProgramHeaders.TryRead(page, out _, out string? small));
        Assert.Equal("program header entry size 40 (e_phentsize at offset 0x36) is less than 56", small);
    }

    [Fact]
    public void Dynamic_entries_match_readelf()
    {
        ElfFile file = ElfFile.Load(fixture.SharedPath);
        ElfSection dynamic = file.Sections.Single(s => s.Type == ElfSectionType.Dynamic);

        IReadOnlyList<ElfDynamicEntry> entries = ElfDynamicEntry.Parse(dynamic.Data.Span);

        List<long> expected = DynamicLineRegex().Matches(Readelf.Run("-dW", fixture.SharedPath))
            .Select(m => long.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .TakeWhile(tag => tag != 0)
            .ToList();
        Assert.True(expected.Count > 2, "readelf shows too few dynamic entries");
        Assert.Equal(expected, entries.Select(e => (long)e.Tag));
        Assert.Contains(entries, e => e.Tag == ElfDynamicTag.Needed);
        Assert.Equal(2, ElfDynamicEntry.Parse(dynamic.Data.Span, maxEntries: 2).Count);
    }

    [Fact]
    public void Dynamic_entries_stop_at_null_or_the_last_whole_entry()
    {
        byte[] data = Convert.FromHexString(
            "0e00000000000000" + "0100000000000000"
            + "1500000000000000" + "0020000000000000"
            + "0000000000000000" + "0000000000000000"
            + "0100000000000000" + "0200000000000000");

        Assert.Equal(new ElfDynamicEntry[] { new(ElfDynamicTag.Soname, 1), new(ElfDynamicTag.Debug, 0x2000) }, ElfDynamicEntry.Parse(data));
        Assert.Equal(new ElfDynamicEntry[] { new(ElfDynamicTag.Soname, 1) }, ElfDynamicEntry.Parse(data.AsSpan(0, 31)));
    }

    [GeneratedRegex(@"^\s*0x([0-9a-f]+) \([A-Za-z_0-9]+\)", RegexOptions.Multiline)]
    private static partial Regex DynamicLineRegex();
}
