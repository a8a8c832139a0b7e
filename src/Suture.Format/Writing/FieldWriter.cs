using System.Buffers.Binary;
using System.Text;

namespace Suture.Format.Writing;

/// <summary>Appends little-endian fields to a growing buffer; sections get their length filled in when they end.</summary>
internal sealed class FieldWriter
{
    private byte[] buffer = new byte[4096];
    private int length;

    public void U8(byte value) => Grow(1)[0] = value;

    public void U16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), value);

    public void U32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);

    public void I32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Grow(4), value);

    public void U64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), value);

    public void I64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Grow(8), value);

    public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Grow(value.Length));

    /// <summary>u32 byte count, then the bytes.</summary>
    public void Blob(ReadOnlySpan<byte> value)
    {
        U32((uint)value.Length);
        Bytes(value);
    }

    /// <summary>u32 byte count, then UTF-8 (the validator has checked the string is well-formed).</summary>
    public void String(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        U32((uint)count);
        Encoding.UTF8.GetBytes(value, Grow(count));
    }

    public void Strings(IReadOnlyList<string> values)
    {
        U32((uint)values.Count);
        foreach (string value in values)
        {
            String(value);
        }
    }

    /// <summary>Writes the section header; returns where its length goes, for <see cref="EndSection"/>.</summary>
    public int BeginSection(uint tag)
    {
        U32(tag);
        U64(0);
        return length - 8;
    }

    public void EndSection(int lengthAt) =>
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(lengthAt), (ulong)(length - lengthAt - 8));

    /// <summary>Fills in the file length, appends the checksum section and returns the file.</summary>
    public byte[] Finish()
    {
        U32(PatchSection.Checksum);
        U64(PatchFormat.ChecksumSize);
        BinaryPrimitives.WriteUInt64LittleEndian(
            buffer.AsSpan(PatchFormat.FileLengthOffset), (ulong)(length + PatchFormat.ChecksumSize));
        Span<byte> hash = stackalloc byte[PatchFormat.ChecksumSize];
        Sha256.HashData(buffer.AsSpan(0, length), hash);
        Bytes(hash);
        return buffer.AsSpan(0, length).ToArray();
    }

    private Span<byte> Grow(int count)
    {
        if (buffer.Length - length < count)
        {
            long wanted = Math.Max((long)buffer.Length * 2, (long)length + count);
            Array.Resize(ref buffer, (int)Math.Min(wanted, Array.MaxLength));
        }

        Span<byte> span = buffer.AsSpan(length, count);
        length += count;
        return span;
    }
}
