using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Suture.Format.Reading;

/// <summary>
/// Reads the fields of one section payload. Every read is bounds-checked first; failures become
/// <see cref="PatchFormatException"/>s naming the file, the section and <see cref="Context"/>.
/// </summary>
internal ref struct FieldReader
{
    private readonly ReadOnlySpan<byte> data;
    private readonly string file;
    private readonly string section;
    private int position;

    public FieldReader(ReadOnlySpan<byte> data, string file, string section)
    {
        this.data = data;
        this.file = file;
        this.section = section;
    }

    /// <summary>Prefix for messages, e.g. <c>"function 2: "</c>.</summary>
    public string Context { get; set; } = "";

    public readonly int Remaining => data.Length - position;

    public byte ReadU8(string field) => Take(1, field)[0];

    public ushort ReadU16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

    public uint ReadU32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public int ReadI32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, field));

    public ulong ReadU64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public long ReadI64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, field));

    public byte[] ReadBytes(int length, string field) => Take(length, field).ToArray();

    /// <summary>The rest of the payload.</summary>
    public byte[] ReadRest() => Take(Remaining, "rest").ToArray();

    /// <summary>A u32 byte count, checked against <paramref name="max"/>, then the bytes.</summary>
    public byte[] ReadBlob(string field, long max)
    {
        uint length = ReadU32(field + " length");
        if (length > max)
        {
            throw Error($"{field} is {length} bytes, more than the limit of {max}");
        }

        return ReadBytes((int)length, field);
    }

    /// <summary>A u32 byte count, checked against <paramref name="maxBytes"/>, then strict UTF-8.</summary>
    public string ReadString(string field, int maxBytes)
    {
        uint length = ReadU32(field + " length");
        if (length > (uint)maxBytes)
        {
            throw Error($"{field} is {length} bytes, more than the limit of {maxBytes}");
        }

        ReadOnlySpan<byte> bytes = Take((int)length, field);
        if (!Utf8.IsValid(bytes))
        {
            throw Error($"{field} is not valid UTF-8");
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>A u32 entry count, checked against <paramref name="max"/>.</summary>
    public int ReadCount(string what, int max)
    {
        uint count = ReadU32(what + " count");
        if (count > (uint)max)
        {
            throw Error($"{count} {what} exceed the limit of {max}");
        }

        return (int)count;
    }

    /// <summary>
    /// Before entry <paramref name="index"/> of <paramref name="count"/>: fails when fewer than
    /// <paramref name="minEntrySize"/> bytes are left.
    /// </summary>
    public readonly void ExpectEntry(int index, int count, int minEntrySize, string what)
    {
        if (Remaining < minEntrySize)
        {
            throw Truncated($"declares {count} {what} but ends after {index}");
        }
    }

    public readonly void ExpectEnd()
    {
        if (Remaining != 0)
        {
            throw new PatchFormatException(
                $"{file}: {section} section: {Remaining} unexpected bytes after its last field");
        }
    }

    public readonly PatchFormatException Error(string message) =>
        new($"{file}: {section} section: {Context}{message}");

    private readonly PatchFormatException Truncated(string message) =>
        new($"{file}: truncated: the {section} section {message}");

    private ReadOnlySpan<byte> Take(int length, string field)
    {
        if (length > Remaining)
        {
            throw Truncated($"ends inside {Context}{field} ({length} bytes needed, {Remaining} left)");
        }

        ReadOnlySpan<byte> result = data.Slice(position, length);
        position += length;
        return result;
    }
}
