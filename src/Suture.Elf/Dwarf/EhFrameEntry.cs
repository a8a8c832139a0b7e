namespace Suture.Elf.Dwarf;

/// <summary>
/// The framing of one <c>.eh_frame</c> record (LSB 5.0, "The .eh_frame section"): where it and its
/// contents start and end, and whether it is a CIE, an FDE (with the offset of its CIE) or the
/// zero terminator. A length of 0xffffffff is followed by the 64-bit extended length; the CIE id
/// and the CIE pointer stay 4 bytes either way. The one reader of record boundaries, for objects
/// on disk and tables read from a process alike.
/// </summary>
/// <param name="Offset">Offset of the length field.</param>
/// <param name="ContentStart">Offset of the CIE id or CIE pointer, just after the (extended) length.</param>
/// <param name="End">Offset just past the record: where the next one starts.</param>
/// <param name="IsTerminator">A zero length: the end of the table.</param>
/// <param name="IsCie">A CIE (its id is 0) rather than an FDE.</param>
/// <param name="CieOffset">For an FDE the offset of its CIE; for a CIE its own offset; -1 for the terminator.</param>
public readonly record struct EhFrameEntry(int Offset, int ContentStart, int End, bool IsTerminator, bool IsCie, int CieOffset)
{
    private const uint ExtendedLength = 0xffff_ffff;

    /// <summary>Bytes of the record, its length field included.</summary>
    public int Length => End - Offset;

    /// <summary>Bytes of the length field: 4, or 12 with an extended length.</summary>
    public int HeaderLength => ContentStart - Offset;

    /// <summary>
    /// The walk of a table: reads the record at <paramref name="offset"/> into <paramref name="entry"/>
    /// and moves <paramref name="offset"/> past it; false at the end of the data or at the zero
    /// terminator (which ends a table; an object's .eh_frame simply ends).
    /// </summary>
    /// <exception cref="DwarfFormatException">The record is malformed (see <see cref="Read"/>).</exception>
    public static bool Next(ReadOnlySpan<byte> data, ref int offset, out EhFrameEntry entry)
    {
        entry = default;
        if (offset >= data.Length)
        {
            return false;
        }

        entry = Read(data, offset);
        if (entry.IsTerminator)
        {
            return false;
        }

        offset = entry.End;
        return true;
    }

    /// <summary>Reads the record header at <paramref name="offset"/> of <paramref name="data"/>; bounds-checked.</summary>
    /// <exception cref="DwarfFormatException">The record does not fit in the data or its CIE pointer points outside it.</exception>
    public static EhFrameEntry Read(ReadOnlySpan<byte> data, int offset)
    {
        var cursor = new DwarfCursor(data, "record", offset);
        ulong length = cursor.U32("record length");
        if (length == 0)
        {
            return new EhFrameEntry(offset, cursor.Position, cursor.Position, IsTerminator: true, IsCie: false, CieOffset: -1);
        }

        if (length == ExtendedLength)
        {
            length = cursor.U64("extended record length");
        }

        int contentStart = cursor.Position;
        if (length < 4 || length > (ulong)(data.Length - contentStart))
        {
            throw new DwarfFormatException($"record at offset 0x{offset:x} has length 0x{length:x}, but only 0x{data.Length - contentStart:x} bytes follow");
        }

        int end = contentStart + (int)length;
        uint id = cursor.U32("CIE id");
        if (id == 0)
        {
            return new EhFrameEntry(offset, contentStart, end, IsTerminator: false, IsCie: true, CieOffset: offset);
        }

        // The CIE pointer counts back from the pointer field itself.
        long cieOffset = (long)contentStart - id;
        if (cieOffset < 0 || cieOffset >= data.Length - 4)
        {
            throw new DwarfFormatException(cieOffset < 0
                ? $"FDE at offset 0x{offset:x} (CIE pointer 0x{id:x}) points to a CIE at -0x{-cieOffset:x}, before the section"
                : $"FDE at offset 0x{offset:x} points to a CIE at 0x{cieOffset:x}, outside the section");
        }

        return new EhFrameEntry(offset, contentStart, end, IsTerminator: false, IsCie: false, CieOffset: (int)cieOffset);
    }
}
