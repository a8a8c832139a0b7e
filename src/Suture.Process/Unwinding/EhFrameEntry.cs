namespace Suture.Process.Unwinding;

/// <summary>
/// The framing of one .eh_frame record: where its contents start and end, and whether it is a
/// CIE or an FDE (with the offset of its CIE).
/// </summary>
internal readonly record struct EhFrameEntry(int Offset, int ContentStart, int End, bool IsTerminator, bool IsCie, int CieOffset)
{
    /// <summary>Reads the record header at <paramref name="offset"/>; bounds-checked.</summary>
    public static EhFrameEntry Read(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new DwarfReader(data) { Position = offset };
        ulong length = reader.ReadU32();
        if (length == 0)
        {
            return new EhFrameEntry(offset, reader.Position, reader.Position, IsTerminator: true, IsCie: false, CieOffset: -1);
        }

        if (length == 0xffffffff)
        {
            length = reader.ReadU64();
        }

        int contentStart = reader.Position;
        if (length < 4 || length > (ulong)(data.Length - contentStart))
        {
            throw new DwarfFormatException($"record at offset 0x{offset:x} has length 0x{length:x}, but only 0x{data.Length - contentStart:x} bytes follow");
        }

        int end = contentStart + (int)length;
        uint id = reader.ReadU32();
        if (id == 0)
        {
            return new EhFrameEntry(offset, contentStart, end, IsTerminator: false, IsCie: true, CieOffset: offset);
        }

        // The CIE pointer counts back from the pointer field itself.
        long cieOffset = (long)contentStart - id;
        if (cieOffset < 0 || cieOffset >= data.Length - 4)
        {
            throw new DwarfFormatException($"FDE at offset 0x{offset:x} points to a CIE at 0x{cieOffset:x}, outside the section");
        }

        return new EhFrameEntry(offset, contentStart, end, IsTerminator: false, IsCie: false, CieOffset: (int)cieOffset);
    }
}
