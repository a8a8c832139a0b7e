using System.Globalization;
using System.Text.RegularExpressions;
using Suture.Elf.Dwarf;

namespace Suture.Elf.Tests;

/// <summary>The one .eh_frame record framer, on hand-built records and on gcc's output against readelf.</summary>
[Collection(ElfFixtureGroup.Name)]
public sealed partial class EhFrameEntryTests(ElfFixture fixture)
{
    [Fact]
    public void Read_FramesCieFdeAndTerminator()
    {
        // CIE: length 0xc, id 0, 8 bytes; FDE: length 0x10, CIE pointer 0x14 (back from offset 0x14 to 0); zero terminator.
        byte[] data = Convert.FromHexString(
            "0c000000" + "00000000" + "0110000178100c07"
            + "10000000" + "14000000" + "000000000000000000000000"
            + "00000000");

        EhFrameEntry cie = EhFrameEntry.Read(data, 0);
        EhFrameEntry fde = EhFrameEntry.Read(data, cie.End);
        EhFrameEntry end = EhFrameEntry.Read(data, fde.End);

        Assert.Equal(new EhFrameEntry(0, 4, 0x10, IsTerminator: false, IsCie: true, CieOffset: 0), cie);
        Assert.Equal(new EhFrameEntry(0x10, 0x14, 0x24, IsTerminator: false, IsCie: false, CieOffset: 0), fde);
        Assert.Equal((4, 0x14), (fde.HeaderLength, fde.Length));
        Assert.True(end.IsTerminator);
        Assert.Equal(data.Length, end.End);
    }

    [Theory]
    [InlineData("00000000" + "ffff")] // the terminator ends a table: what follows it is not read
    [InlineData("")] // an object's .eh_frame simply ends
    public void Next_WalksUpToTheTerminatorOrTheEnd(string tail)
    {
        byte[] data = Convert.FromHexString(
            "0c000000" + "00000000" + "0110000178100c07"
            + "10000000" + "14000000" + "000000000000000000000000"
            + tail);
        var offsets = new List<int>();
        int offset = 0;

        while (EhFrameEntry.Next(data, ref offset, out EhFrameEntry entry))
        {
            offsets.Add(entry.Offset);
        }

        Assert.Equal([0, 0x10], offsets);
        Assert.Equal(0x24, offset);
    }

    [Fact]
    public void Read_TakesTheExtendedLength()
    {
        // 0xffffffff, then the 64-bit length; the CIE id and CIE pointer stay 4 bytes.
        byte[] data = Convert.FromHexString(
            "ffffffff" + "0800000000000000" + "00000000" + "01000000"
            + "ffffffff" + "0c00000000000000" + "20000000" + "0000000000000000");

        EhFrameEntry cie = EhFrameEntry.Read(data, 0);
        EhFrameEntry fde = EhFrameEntry.Read(data, cie.End);

        Assert.Equal(new EhFrameEntry(0, 12, 0x14, IsTerminator: false, IsCie: true, CieOffset: 0), cie);
        Assert.Equal(new EhFrameEntry(0x14, 0x20, 0x2c, IsTerminator: false, IsCie: false, CieOffset: 0), fde);
        Assert.Equal((12, 0x18), (fde.HeaderLength, fde.Length));
        Assert.Equal(data.Length, fde.End);
    }

    [Theory]
    [InlineData("2000000000000000", "record at offset 0x0 has length 0x20, but only 0x4 bytes follow")]
    [InlineData("0200000000000000", "record at offset 0x0 has length 0x2, but only 0x4 bytes follow")]
    [InlineData("ffffffff2000000000000000", "record at offset 0x0 has length 0x20, but only 0x0 bytes follow")]
    [InlineData("ffffffffffffffffffffff7f00000000", "record at offset 0x0 has length 0x7fffffffffffffff, but only 0x4 bytes follow")]
    [InlineData("ffffffff0800", "record at offset 0x4: extended record length (8 bytes) runs past the end at 0x6")]
    [InlineData("0800", "record at offset 0x0: record length (4 bytes) runs past the end at 0x2")]
    [InlineData("08000000ffff0000aaaaaaaa", "FDE at offset 0x0 (CIE pointer 0xffff) points to a CIE at -0xfffb, before the section")]
    public void Read_RejectsTruncatedAndOutOfBoundsRecords(string hex, string message)
    {
        byte[] data = Convert.FromHexString(hex);

        DwarfFormatException error = Assert.Throws<DwarfFormatException>(() => EhFrameEntry.Read(data, 0));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Read_RefusesAnOffsetOutsideTheData()
    {
        byte[] data = new byte[8];

        Assert.Throws<DwarfFormatException>(() => EhFrameEntry.Read(data, 6));
        Assert.Throws<DwarfFormatException>(() => EhFrameEntry.Read(data, 9));
        Assert.Throws<DwarfFormatException>(() => EhFrameEntry.Read(data, -1));
    }

    [Fact]
    public void Walk_OfGccObject_MatchesReadelf() => AssertMatchesReadelf(fixture.ObjectPath);

    [Fact]
    public void Walk_OfGccExecutable_MatchesReadelfUpToTheTerminator() => AssertMatchesReadelf(fixture.PiePath);

    /// <summary>Every record of the file's .eh_frame, framed as readelf frames it (offset, length, CIE pointer).</summary>
    private static void AssertMatchesReadelf(string path)
    {
        ElfFile file = ElfFile.Load(path);
        ReadOnlySpan<byte> data = file.FindSection(".eh_frame")!.Data.Span;
        var framed = new List<string>();
        int offset = 0;
        while (offset < data.Length)
        {
            EhFrameEntry entry = EhFrameEntry.Read(data, offset);
            if (entry.IsTerminator)
            {
                framed.Add($"{entry.Offset:x8} ZERO terminator");
                break;
            }

            string kind = entry.IsCie ? "CIE" : $"FDE cie={entry.CieOffset:x8}";
            framed.Add($"{entry.Offset:x8} {entry.End - entry.ContentStart:x16} {kind}");
            offset = entry.End;
        }

        List<string> expected = RecordLineRegex().Matches(Readelf.Run("--debug-dump=frames", path))
            .Select(m => m.Groups["kind"].Value == "ZERO terminator"
                ? $"{m.Groups["offset"].Value} ZERO terminator"
                : $"{m.Groups["offset"].Value} {ulong.Parse(m.Groups["length"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture):x16} {m.Groups["kind"].Value}")
            .ToList();
        Assert.True(expected.Count >= 2, $"readelf shows too few records of {path}");
        Assert.Equal(expected, framed);
    }

    [GeneratedRegex(@"^(?<offset>[0-9a-f]{8}) (?:(?<kind>ZERO terminator)|(?<length>[0-9a-f]+) [0-9a-f]+ (?<kind>CIE|FDE cie=[0-9a-f]{8}))", RegexOptions.Multiline)]
    private static partial Regex RecordLineRegex();
}
