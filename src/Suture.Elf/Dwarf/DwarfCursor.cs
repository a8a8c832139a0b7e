using System.Buffers.Binary;
using System.Text;

namespace Suture.Elf.Dwarf;

/// <summary>
/// Reads little-endian values from [position, end) of one section's bytes; every read is checked
/// against the end, so a malformed length can never read past it or loop.
/// </summary>
internal sealed class DwarfCursor
{
    private const int MaxLeb128Length = 10;

    private readonly byte[] _data;
    private readonly string _where;

    public DwarfCursor(byte[] data, int position, int end, string where)
    {
        _data = data;
        Position = position;
        End = end;
        _where = where;
    }

    public int Position { get; set; }

    public int End { get; }

    public bool AtEnd => Position >= End;

    public byte U8(string what) => Take(1, what)[0];

    public ushort U16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint U32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public ulong U64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    /// <summary>An unsigned value of 1, 2, 3, 4 or 8 bytes.</summary>
    public ulong Sized(int size, string what)
    {
        ReadOnlySpan<byte> bytes = Take(size, what);
        ulong value = 0;
        for (int i = size - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    public ulong Uleb(string what)
    {
        ulong value = 0;
        for (int i = 0; i < MaxLeb128Length; i++)
        {
            byte b = U8(what);
            ulong bits = (ulong)(b & 0x7f);
            if (i == MaxLeb128Length - 1 && bits > 1)
            {
                throw Error($"{what} is an unsigned LEB128 value wider than 64 bits");
            }

            value |= bits << (7 * i);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw Error($"{what} is a LEB128 value longer than {MaxLeb128Length} bytes");
    }

    public long Sleb(string what)
    {
        long value = 0;
        for (int i = 0; i < MaxLeb128Length; i++)
        {
            byte b = U8(what);
            value |= (long)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                int shift = 7 * (i + 1);
                return shift < 64 && (b & 0x40) != 0 ? value | (-1L << shift) : value;
            }
        }

        throw Error($"{what} is a LEB128 value longer than {MaxLeb128Length} bytes");
    }

    /// <summary>The next <paramref name="length"/> bytes as memory of the section (no copy).</summary>
    public ReadOnlyMemory<byte> Bytes(ulong length, int limit, string what)
    {
        if (length > (ulong)limit)
        {
            throw Error($"{what} is {length} bytes long, more than the limit of {limit} bytes");
        }

        int start = Position;
        Take((int)length, what);
        return new ReadOnlyMemory<byte>(_data, start, (int)length);
    }

    /// <summary>A NUL-terminated UTF-8 string, at most <paramref name="limit"/> bytes.</summary>
    public string CString(int limit, string what)
    {
        ReadOnlySpan<byte> rest = _data.AsSpan(Position, Math.Max(0, End - Position));
        int window = Math.Min(rest.Length, limit + 1);
        int nul = rest[..window].IndexOf((byte)0);
        if (nul < 0)
        {
            throw Error(window == rest.Length ? $"{what} is not NUL-terminated" : $"{what} is longer than the limit of {limit} bytes");
        }

        Position += nul + 1;
        return Encoding.UTF8.GetString(rest[..nul]);
    }

    public DwarfFormatException Error(string message) => new($"{_where} at offset 0x{Position:x}: {message}");

    private ReadOnlySpan<byte> Take(int size, string what)
    {
        if (size < 0 || Position > End || size > End - Position)
        {
            throw Error($"{what} ({size} bytes) runs past the end at 0x{End:x}");
        }

        ReadOnlySpan<byte> bytes = _data.AsSpan(Position, size);
        Position += size;
        return bytes;
    }
}
