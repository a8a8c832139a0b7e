using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Suture.Format.Tests;

/// <summary>
/// Edits encoded patch files the way docs/patch-format.md lays them out, then reseals them (file
/// length and checksum) so the reader gets past the checksum to the damage under test.
/// </summary>
internal static class PatchBytes
{
    public static uint Tag(string fourChars) => BinaryPrimitives.ReadUInt32LittleEndian(Encoding.ASCII.GetBytes(fourChars));

    /// <summary>Offset of the section's header and its payload length; throws when absent.</summary>
    public static (int Header, int Length) Find(byte[] file, string tag)
    {
        int position = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        while (position < file.Length)
        {
            uint found = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position));
            int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(position + 4));
            if (found == Tag(tag))
            {
                return (position, length);
            }

            position += 12 + length;
        }

        throw new InvalidOperationException($"no {tag} section");
    }

    /// <summary>Offset of the section's payload.</summary>
    public static int Payload(byte[] file, string tag) => Find(file, tag).Header + 12;

    public static byte[] Section(string tag, ReadOnlySpan<byte> payload)
    {
        var section = new byte[12 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(section, Tag(tag));
        BinaryPrimitives.WriteUInt64LittleEndian(section.AsSpan(4), (ulong)payload.Length);
        payload.CopyTo(section.AsSpan(12));
        return section;
    }

    public static byte[] Splice(byte[] file, int at, int remove, ReadOnlySpan<byte> insert) =>
        Reseal([.. file.AsSpan(0, at), .. insert, .. file.AsSpan(at + remove)]);

    public static byte[] ReplacePayload(byte[] file, string tag, ReadOnlySpan<byte> payload)
    {
        (int header, int length) = Find(file, tag);
        return Splice(file, header, 12 + length, Section(tag, payload));
    }

    public static byte[] Remove(byte[] file, string tag)
    {
        (int header, int length) = Find(file, tag);
        return Splice(file, header, 12 + length, []);
    }

    /// <summary>Inserts a section just before the checksum section.</summary>
    public static byte[] InsertBeforeChecksum(byte[] file, byte[] section) => Splice(file, file.Length - 44, 0, section);

    public static byte[] SetU8(byte[] file, int at, byte value) => Edit(file, f => f[at] = value);

    public static byte[] SetU16(byte[] file, int at, ushort value) =>
        Edit(file, f => BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(at), value));

    public static byte[] SetU32(byte[] file, int at, uint value) =>
        Edit(file, f => BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(at), value));

    public static byte[] SetU64(byte[] file, int at, ulong value) =>
        Edit(file, f => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(at), value));

    /// <summary>Sets the header's file length to the actual length and recomputes the checksum.</summary>
    public static byte[] Reseal(byte[] file)
    {
        if (file.Length >= 24)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(16), (ulong)file.Length);
        }

        if (file.Length >= 64)
        {
            SHA256.HashData(file.AsSpan(0, file.Length - 32), file.AsSpan(file.Length - 32));
        }

        return file;
    }

    private static byte[] Edit(byte[] file, Action<byte[]> edit)
    {
        byte[] copy = [.. file];
        edit(copy);
        return Reseal(copy);
    }
}
