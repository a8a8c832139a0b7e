using System.Buffers.Binary;
using System.Text;

namespace Suture.Elf.Dwarf;

/// <summary>
/// Reads little-endian values, LEB128 numbers and DW_EH_PE pointers from bytes in DWARF formats
/// (.debug_*, .eh_frame, .eh_frame_hdr, call frame instructions and expressions), whether they
/// come from a file or were read from a process's memory. Every read is checked against the end,
/// so a malformed length can never read past it or loop; a failure raises
/// <see cref="DwarfFormatException"/> naming where, the offset and what was being read.
/// </summary>
public ref struct DwarfCursor
{
    /// <summary>The longest LEB128 encoding of a 64-bit value.</summary>
    public const int MaxLeb128Length = 10;

    private const string Value = "value";

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _where;

    /// <param name="data">The bytes; reads end at its end.</param>
    /// <param name="where">What the bytes are, for messages (e.g. "foo.o: .debug_info (section 5)").</param>
    /// <param name="position">Offset of the first read.</param>
    /// <param name="address">Address of <paramref name="data"/>[0], the base of pc-relative pointers.</param>
    public DwarfCursor(ReadOnlySpan<byte> data, string where, int position = 0, ulong address = 0)
    {
        _data = data;
        _where = where;
        Position = position;
        Address = address;
    }

    public ulong Address { get; }

    public int Position { get; set; }

    public readonly int End => _data.Length;

    public readonly int Remaining => Position >= 0 && Position < _data.Length ? _data.Length - Position : 0;

    public readonly bool AtEnd => Position >= _data.Length;

    public byte U8(string what = Value) => Take(1, what)[0];

    public ushort U16(string what = Value) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint U32(string what = Value) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public ulong U64(string what = Value) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    /// <summary>An unsigned value of 1 to 8 bytes.</summary>
    public ulong Sized(int size, string what = Value)
    {
        if (size is < 1 or > 8)
        {
            throw Error($"{what} has size {size}; expected 1 to 8 bytes");
        }

        ReadOnlySpan<byte> bytes = Take(size, what);
        ulong value = 0;
        for (int i = size - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    /// <summary>An unsigned LEB128 value; at most 10 bytes, and it must fit in 64 bits.</summary>
    public ulong Uleb(string what = Value)
    {
        int start = Position;
        ulong value = 0;
        for (int i = 0; i < MaxLeb128Length; i++)
        {
            byte b = U8(what);
            ulong bits = (ulong)(b & 0x7f);
            if (i == MaxLeb128Length - 1 && bits > 1)
            {
                throw ErrorAt(start, $"{what} is an unsigned LEB128 value wider than 64 bits");
            }

            value |= bits << (7 * i);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw ErrorAt(start, $"{what} is a LEB128 value longer than {MaxLeb128Length} bytes");
    }

    /// <summary>A signed LEB128 value; at most 10 bytes, and it must fit in 64 bits.</summary>
    public long Sleb(string what = Value)
    {
        int start = Position;
        long value = 0;
        for (int i = 0; i < MaxLeb128Length; i++)
        {
            byte b = U8(what);
            if (i == MaxLeb128Length - 1 && (b & 0x80) == 0 && b is not (0x00 or 0x7f))
            {
                // The tenth byte holds bit 63; the rest of it must repeat that bit (the sign).
                throw ErrorAt(start, $"{what} is a signed LEB128 value wider than 64 bits");
            }

            value |= (long)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                int shift = 7 * (i + 1);
                return shift < 64 && (b & 0x40) != 0 ? value | (-1L << shift) : value;
            }
        }

        throw ErrorAt(start, $"{what} is a LEB128 value longer than {MaxLeb128Length} bytes");
    }

    /// <summary>An unsigned LEB128 value that must fit in an int (lengths, register numbers).</summary>
    public int UlebAsInt(string what)
    {
        int start = Position;
        ulong value = Uleb(what);
        return value <= int.MaxValue ? (int)value : throw ErrorAt(start, $"{what} {value} is too large");
    }

    /// <summary>The next <paramref name="length"/> bytes (no copy), at most <paramref name="limit"/>.</summary>
    public ReadOnlySpan<byte> Bytes(ulong length, string what = Value, int limit = int.MaxValue)
    {
        if (limit < int.MaxValue && length > (ulong)limit)
        {
            throw Error($"{what} is {length} bytes long, more than the limit of {limit} bytes");
        }

        return length > (ulong)Remaining
            ? throw Error($"{what} ({length} bytes) runs past the end at 0x{End:x}")
            : Take((int)length, what);
    }

    /// <summary>A NUL-terminated UTF-8 string, at most <paramref name="limit"/> bytes.</summary>
    public string CString(string what = "string", int limit = int.MaxValue)
    {
        if (Position < 0 || Position > End)
        {
            throw Error($"{what} starts outside the {End} bytes");
        }

        ReadOnlySpan<byte> rest = _data[Position..];
        int window = limit < int.MaxValue ? Math.Min(rest.Length, limit + 1) : rest.Length;
        int nul = rest[..window].IndexOf((byte)0);
        if (nul < 0)
        {
            throw Error(window == rest.Length ? $"{what} is not NUL-terminated" : $"{what} is longer than the limit of {limit} bytes");
        }

        Position += nul + 1;
        return Encoding.UTF8.GetString(rest[..nul]);
    }

    /// <summary>
    /// A DW_EH_PE_* encoded pointer (LSB 5.0): absolute, pc-relative (to <see cref="Address"/> plus
    /// the field's offset) or, when <paramref name="hasDataBase"/>, relative to <paramref name="dataBase"/>.
    /// </summary>
    public ulong EncodedPointer(byte encoding, string what = "pointer", ulong dataBase = 0, bool hasDataBase = false)
    {
        if (encoding == PointerEncoding.Omit)
        {
            throw Error($"{what} has the 'omit' encoding where a value is required");
        }

        if ((encoding & PointerEncoding.Indirect) != 0)
        {
            throw Error($"{what} has the indirect encoding 0x{encoding:x2}, which is not supported here");
        }

        int at = Position;
        ulong fieldAddress = Address + (ulong)Position;
        ulong value = PointerValue(encoding, what);
        return (encoding & PointerEncoding.ApplicationMask) switch
        {
            PointerEncoding.AbsPtr => value,
            PointerEncoding.PcRel => fieldAddress + value,
            PointerEncoding.DataRel when hasDataBase => dataBase + value,
            _ => throw ErrorAt(at, $"{what} has encoding 0x{encoding:x2}, whose base is not supported"),
        };
    }

    /// <summary>The value part of an encoded pointer, without its base (FDE address ranges).</summary>
    public ulong PointerValue(byte encoding, string what = "pointer") => (encoding & PointerEncoding.FormatMask) switch
    {
        PointerEncoding.AbsPtr => U64(what),
        PointerEncoding.ULeb128 => Uleb(what),
        PointerEncoding.UData2 => U16(what),
        PointerEncoding.UData4 => U32(what),
        PointerEncoding.UData8 => U64(what),
        PointerEncoding.SLeb128 => (ulong)Sleb(what),
        PointerEncoding.SData2 => (ulong)(long)(short)U16(what),
        PointerEncoding.SData4 => (ulong)(long)(int)U32(what),
        PointerEncoding.SData8 => U64(what),
        _ => throw Error($"{what} has encoding 0x{encoding:x2}, whose format is unknown"),
    };

    /// <summary>An error at the current position: "{where} at offset 0x{position}: {message}".</summary>
    public readonly DwarfFormatException Error(string message) => ErrorAt(Position, message);

    private readonly DwarfFormatException ErrorAt(int position, string message) => new($"{_where} at offset 0x{position:x}: {message}");

    private ReadOnlySpan<byte> Take(int size, string what)
    {
        if (size < 0 || Position < 0 || Position > End || size > End - Position)
        {
            throw Error($"{what} ({size} bytes) runs past the end at 0x{End:x}");
        }

        ReadOnlySpan<byte> bytes = _data.Slice(Position, size);
        Position += size;
        return bytes;
    }
}
