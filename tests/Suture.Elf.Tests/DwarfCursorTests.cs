using Suture.Elf.Dwarf;

namespace Suture.Elf.Tests;

/// <summary>The one DWARF cursor: LEB128 edge cases, bounds and DW_EH_PE pointers, byte by byte.</summary>
public sealed class DwarfCursorTests
{
    [Theory]
    [InlineData("00", 0UL)]
    [InlineData("7f", 127UL)]
    [InlineData("8001", 128UL)]
    [InlineData("e58e26", 624485UL)]
    [InlineData("ffffffff0f", 0xffff_ffffUL)]
    [InlineData("80808080808080808000", 0UL)] // ten bytes, the longest encoding, padded
    [InlineData("ffffffffffffffff7f", 0x7fff_ffff_ffff_ffffUL)]
    [InlineData("ffffffffffffffffff01", ulong.MaxValue)]
    [InlineData("80808080808080808001", 0x8000_0000_0000_0000UL)]
    public void Uleb_DecodesAndConsumesItsBytes(string hex, ulong expected)
    {
        byte[] bytes = Convert.FromHexString(hex + "aa");
        var cursor = new DwarfCursor(bytes, "test");

        Assert.Equal(expected, cursor.Uleb());
        Assert.Equal(hex.Length / 2, cursor.Position);
    }

    [Theory]
    [InlineData("00", 0L)]
    [InlineData("3f", 63L)]
    [InlineData("40", -64L)]
    [InlineData("7f", -1L)]
    [InlineData("8001", 128L)]
    [InlineData("807f", -128L)]
    [InlineData("c0bb78", -123456L)]
    [InlineData("ffffffffffffffffff00", long.MaxValue)]
    [InlineData("8080808080808080807f", long.MinValue)]
    [InlineData("ffffffffffffffffff7f", -1L)] // ten bytes, sign-extended
    public void Sleb_DecodesAndConsumesItsBytes(string hex, long expected)
    {
        byte[] bytes = Convert.FromHexString(hex + "aa");
        var cursor = new DwarfCursor(bytes, "test");

        Assert.Equal(expected, cursor.Sleb());
        Assert.Equal(hex.Length / 2, cursor.Position);
    }

    [Theory]
    [InlineData("ffffffffffffffffff02", "test at offset 0x0: count is an unsigned LEB128 value wider than 64 bits")]
    [InlineData("ffffffffffffffffff7f", "test at offset 0x0: count is an unsigned LEB128 value wider than 64 bits")]
    [InlineData("8080808080808080808000", "test at offset 0x0: count is a LEB128 value longer than 10 bytes")]
    [InlineData("", "test at offset 0x0: count (1 bytes) runs past the end at 0x0")]
    [InlineData("8080", "test at offset 0x2: count (1 bytes) runs past the end at 0x2")]
    public void Uleb_RejectsOverflowOverlongAndTruncated(string hex, string message)
    {
        byte[] bytes = Convert.FromHexString(hex);

        DwarfFormatException error = Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test").Uleb("count"));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("ffffffffffffffffff01", "test at offset 0x0: offset is a signed LEB128 value wider than 64 bits")]
    [InlineData("80808080808080808040", "test at offset 0x0: offset is a signed LEB128 value wider than 64 bits")]
    [InlineData("ffffffffffffffffff7e", "test at offset 0x0: offset is a signed LEB128 value wider than 64 bits")]
    [InlineData("ffffffffffffffffffff7f", "test at offset 0x0: offset is a LEB128 value longer than 10 bytes")]
    [InlineData("ff", "test at offset 0x1: offset (1 bytes) runs past the end at 0x1")]
    public void Sleb_RejectsOverflowOverlongAndTruncated(string hex, string message)
    {
        byte[] bytes = Convert.FromHexString(hex);

        DwarfFormatException error = Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test").Sleb("offset"));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void UlebAsInt_RejectsValuesPastIntMax()
    {
        byte[] bytes = Convert.FromHexString("8080808008");

        DwarfFormatException error = Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test").UlebAsInt("length"));
        Assert.Equal("test at offset 0x0: length 2147483648 is too large", error.Message);
    }

    [Fact]
    public void FixedReads_AreLittleEndianAndStopAtTheEnd()
    {
        byte[] bytes = Convert.FromHexString("0102030405060708090a0b");
        var cursor = new DwarfCursor(bytes, "test", 1);

        Assert.Equal(0x02, cursor.U8());
        Assert.Equal(0x0403, cursor.U16());
        Assert.Equal(0x0807_0605u, cursor.U32());
        Assert.Equal(0x0b0a09UL, cursor.Sized(3));
        Assert.True(cursor.AtEnd);
        Assert.Equal(0, cursor.Remaining);
        DwarfFormatException error = Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test", 4).U64("field"));
        Assert.Equal("test at offset 0x4: field (8 bytes) runs past the end at 0xb", error.Message);
    }

    [Fact]
    public void Bytes_IsBoundedByTheDataAndTheLimit()
    {
        byte[] bytes = Convert.FromHexString("0102030405");

        Assert.Equal([2, 3], new DwarfCursor(bytes, "test", 1).Bytes(2).ToArray());
        Assert.Equal(
            "test at offset 0x1: block (5 bytes) runs past the end at 0x5",
            Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test", 1).Bytes(5, "block")).Message);
        Assert.Equal(
            "test at offset 0x0: block (18446744073709551615 bytes) runs past the end at 0x5",
            Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test").Bytes(ulong.MaxValue, "block")).Message);
        Assert.Equal(
            "test at offset 0x0: block is 3 bytes long, more than the limit of 2 bytes",
            Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test").Bytes(3, "block", limit: 2)).Message);
    }

    [Fact]
    public void CString_NeedsItsTerminatorWithinTheLimit()
    {
        byte[] bytes = "zR\0abc"u8.ToArray();
        var cursor = new DwarfCursor(bytes, "test");

        Assert.Equal("zR", cursor.CString());
        Assert.Equal(3, cursor.Position);
        Assert.Equal(
            "test at offset 0x3: name is not NUL-terminated",
            Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test", 3).CString("name")).Message);
        Assert.Equal(
            "test at offset 0x0: name is longer than the limit of 1 bytes",
            Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test").CString("name", limit: 1)).Message);
    }

    [Theory]
    [InlineData(PointerEncoding.UData4, "10000000", 0x10UL)]
    [InlineData((byte)(PointerEncoding.PcRel | PointerEncoding.SData4), "f0ffffff", 0x1000UL + 2 - 0x10)]
    [InlineData((byte)(PointerEncoding.DataRel | PointerEncoding.SData4), "08000000", 0x2000UL + 8)]
    [InlineData((byte)(PointerEncoding.PcRel | PointerEncoding.SLeb128), "70", 0x1000UL + 2 - 0x10)]
    [InlineData(PointerEncoding.AbsPtr, "0800000000000080", 0x8000_0000_0000_0008UL)]
    public void EncodedPointer_AppliesItsBase(byte encoding, string hex, ulong expected)
    {
        byte[] bytes = Convert.FromHexString("aaaa" + hex);
        var cursor = new DwarfCursor(bytes, "test", 2, address: 0x1000);

        Assert.Equal(expected, cursor.EncodedPointer(encoding, dataBase: 0x2000, hasDataBase: true));
        Assert.True(cursor.AtEnd);
    }

    [Theory]
    [InlineData(PointerEncoding.Omit, "has the 'omit' encoding")]
    [InlineData((byte)(PointerEncoding.Indirect | PointerEncoding.PcRel | PointerEncoding.SData4), "indirect encoding 0x9b")]
    [InlineData((byte)(PointerEncoding.TextRel | PointerEncoding.UData4), "encoding 0x23, whose base is not supported")]
    [InlineData((byte)0x0e, "encoding 0x0e, whose format is unknown")]
    public void EncodedPointer_RejectsWhatItCannotDecode(byte encoding, string message)
    {
        byte[] bytes = new byte[8];

        DwarfFormatException error = Assert.Throws<DwarfFormatException>(() => new DwarfCursor(bytes, "test").EncodedPointer(encoding));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
