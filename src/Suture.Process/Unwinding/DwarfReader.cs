using System.Buffers.Binary;

namespace Suture.Process.Unwinding;

/// <summary>
/// A bounds-checked little-endian cursor over call-frame bytes. Every read past the end, and every
/// LEB128 longer than 64 bits, raises <see cref="DwarfFormatException"/>.
/// </summary>
internal ref struct DwarfReader
{
    private readonly ReadOnlySpan<byte> _data;

    /// <param name="data">The bytes.</param>
    /// <param name="address">Link-time address of <paramref name="data"/>[0], for pc-relative pointers.</param>
    public DwarfReader(ReadOnlySpan<byte> data, ulong address = 0)
    {
        _data = data;
        Address = address;
    }

    public ulong Address { get; }

    public int Position { get; set; }

    public readonly int Length => _data.Length;

    public readonly int Remaining => _data.Length - Position;

    public readonly bool AtEnd => Position >= _data.Length;

    public byte ReadU8() => Take(1)[0];

    public ushort ReadU16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadU64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    public ulong ReadULeb128()
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadU8();
            if (shift >= 64 || (shift == 63 && (b & 0x7e) != 0))
            {
                throw new DwarfFormatException($"ULEB128 at offset 0x{Position - 1:x} does not fit in 64 bits");
            }

            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    public long ReadSLeb128()
    {
        long result = 0;
        int shift = 0;
        byte b;
        do
        {
            b = ReadU8();
            if (shift >= 64)
            {
                throw new DwarfFormatException($"SLEB128 at offset 0x{Position - 1:x} does not fit in 64 bits");
            }

            result |= (long)(b & 0x7f) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        if (shift < 64 && (b & 0x40) != 0)
        {
            result |= -1L << shift;
        }

        return result;
    }

    /// <summary>A ULEB128 that must fit in an int (lengths, register numbers).</summary>
    public int ReadULeb128AsInt(string what)
    {
        ulong value = ReadULeb128();
        return value <= int.MaxValue ? (int)value : throw new DwarfFormatException($"{what} {value} at offset 0x{Position:x} is too large");
    }

    /// <summary>A NUL-terminated ASCII string.</summary>
    public string ReadCString()
    {
        ReadOnlySpan<byte> rest = _data[Position..];
        int end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new DwarfFormatException($"string at offset 0x{Position:x} is not terminated");
        }

        Position += end + 1;
        return System.Text.Encoding.ASCII.GetString(rest[..end]);
    }

    /// <summary>Decodes a DW_EH_PE_* encoded pointer; <paramref name="dataBase"/> is the base for datarel.</summary>
    public ulong ReadEncodedPointer(byte encoding, ulong dataBase = 0, bool hasDataBase = false)
    {
        if (encoding == PointerEncoding.Omit)
        {
            throw new DwarfFormatException($"pointer at offset 0x{Position:x} has the 'omit' encoding where a value is required");
        }

        if ((encoding & PointerEncoding.Indirect) != 0)
        {
            throw new DwarfFormatException($"indirect pointer encoding 0x{encoding:x2} at offset 0x{Position:x} is not supported here");
        }

        ulong fieldAddress = Address + (ulong)Position;
        ulong value = ReadPointerValue(encoding);
        return (encoding & PointerEncoding.ApplicationMask) switch
        {
            PointerEncoding.AbsPtr => value,
            PointerEncoding.PcRel => fieldAddress + value,
            PointerEncoding.DataRel when hasDataBase => dataBase + value,
            _ => throw new DwarfFormatException($"pointer encoding 0x{encoding:x2} at offset 0x{Position:x} has an unsupported base"),
        };
    }

    /// <summary>The value part of an encoded pointer, without its base (FDE address ranges).</summary>
    public ulong ReadPointerValue(byte encoding) => (encoding & PointerEncoding.FormatMask) switch
    {
        PointerEncoding.AbsPtr => ReadU64(),
        PointerEncoding.ULeb128 => ReadULeb128(),
        PointerEncoding.UData2 => ReadU16(),
        PointerEncoding.UData4 => ReadU32(),
        PointerEncoding.UData8 => ReadU64(),
        PointerEncoding.SLeb128 => (ulong)ReadSLeb128(),
        PointerEncoding.SData2 => (ulong)(long)(short)ReadU16(),
        PointerEncoding.SData4 => (ulong)(long)(int)ReadU32(),
        PointerEncoding.SData8 => ReadU64(),
        _ => throw new DwarfFormatException($"pointer encoding 0x{encoding:x2} at offset 0x{Position:x} has an unknown format"),
    };

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - Position)
        {
            throw new DwarfFormatException($"read of {count} bytes at offset 0x{Position:x} runs past the end ({_data.Length} bytes)");
        }

        ReadOnlySpan<byte> result = _data.Slice(Position, count);
        Position += count;
        return result;
    }
}
