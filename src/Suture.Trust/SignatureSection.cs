using System.Buffers.Binary;
using System.Text;
using Suture.Format;

namespace Suture.Trust;

/// <summary>
/// Finds, reads and writes the optional <c>sign</c> section of a patch file whose structure the
/// format reader has already validated (docs/patch-format.md, "sign — signature"). Its tag starts
/// with a lower-case letter, so a suture that predates signing skips it; it must be the last
/// section before <c>HASH</c>, so every byte of the patch is either signed or the checksum.
/// </summary>
internal static class SignatureSection
{
    /// <summary>The tag <c>sign</c> as the u32 the file holds.</summary>
    public static readonly uint Tag = BinaryPrimitives.ReadUInt32LittleEndian("sign"u8);

    private static readonly uint HashTag = BinaryPrimitives.ReadUInt32LittleEndian("HASH"u8);
    private const int HeaderSizeOffset = 12;
    private const int FileLengthOffset = 16;
    private const int SectionHeaderSize = 12;
    private const int ChecksumSize = 32;
    private const int EcdsaP256SignatureSize = 64;
    public const int MaxSignerName = 256;

    /// <summary>A section of the file: where its header starts and its payload's extent.</summary>
    internal readonly record struct Section(uint Tag, int Start, int PayloadStart, int PayloadLength)
    {
        public int End => PayloadStart + PayloadLength;
    }

    /// <summary>The sections of a validated patch file, the final HASH section included.</summary>
    public static List<Section> Sections(ReadOnlySpan<byte> file)
    {
        var sections = new List<Section>();
        int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[HeaderSizeOffset..]);
        while (offset + SectionHeaderSize <= file.Length)
        {
            uint tag = BinaryPrimitives.ReadUInt32LittleEndian(file[offset..]);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file[(offset + 4)..]);
            if (length > (ulong)(file.Length - offset - SectionHeaderSize))
            {
                throw new PatchFormatException("section runs past the end of the file");
            }

            sections.Add(new Section(tag, offset, offset + SectionHeaderSize, (int)length));
            offset += SectionHeaderSize + (int)length;
        }

        return sections.Count == 0 || sections[^1].Tag != HashTag || offset != file.Length
            ? throw new PatchFormatException("the file does not end with its HASH section")
            : sections;
    }

    /// <summary>
    /// The file's signature, or null if it has none. A <c>sign</c> section anywhere but right
    /// before HASH, a second one, or one that does not decode is refused: bytes after it would not
    /// be signed.
    /// </summary>
    /// <exception cref="SutureException">A malformed signature section (<see cref="ExitCode.Untrusted"/>).</exception>
    public static PatchSignature? Find(ReadOnlySpan<byte> file, string path)
    {
        List<Section> sections = Sections(file);
        int index = sections.FindIndex(s => s.Tag == Tag);
        if (index < 0)
        {
            return null;
        }

        if (index != sections.Count - 2 || sections.FindLastIndex(s => s.Tag == Tag) != index)
        {
            throw new SutureException($"{path}: its signature section is not the last section before HASH, so bytes after it are not signed; the file was changed after signing; get the patch again from its publisher", ExitCode.Untrusted);
        }

        return Decode(file, sections[index], path);
    }

    private static PatchSignature Decode(ReadOnlySpan<byte> file, Section section, string path)
    {
        ReadOnlySpan<byte> payload = file.Slice(section.PayloadStart, section.PayloadLength);
        int at = 0;
        try
        {
            var algorithm = (SignatureAlgorithm)payload[at++];
            string keyId = ReadString(payload, ref at, KeyId.Length);
            string name = ReadString(payload, ref at, MaxSignerName);
            int valueLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[at..]);
            at += 4;
            int covered = section.PayloadStart + at;
            if (algorithm != SignatureAlgorithm.EcdsaP256Sha256)
            {
                throw Bad($"algorithm {(byte)algorithm} is unknown (this suture knows 1, ECDSA P-256 SHA-256); upgrade suture");
            }

            if (!KeyId.IsWellFormed(keyId))
            {
                throw Bad($"key id '{keyId}' is not {KeyId.Length} lowercase hex digits");
            }

            if (valueLength != EcdsaP256SignatureSize || at + valueLength != payload.Length)
            {
                throw Bad($"the signature is {valueLength} bytes in a {payload.Length}-byte section (expected {EcdsaP256SignatureSize}, ending the section)");
            }

            return new PatchSignature(algorithm, keyId, name, payload.Slice(at, valueLength).ToArray(), covered);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or DecoderFallbackException)
        {
            throw Bad("it is truncated or its strings are not UTF-8");
        }

        SutureException Bad(string why) => new($"{path}: its signature section does not decode: {why}; the file was damaged or changed after signing", ExitCode.Untrusted);
    }

    private static string ReadString(ReadOnlySpan<byte> payload, ref int at, int max)
    {
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[at..]);
        at += 4;
        if (length < 0 || length > max)
        {
            throw new ArgumentOutOfRangeException(nameof(payload));
        }

        string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload.Slice(at, length));
        at += length;
        return text;
    }

    /// <summary>
    /// The file without its signature and HASH sections, and with a signature section for
    /// <paramref name="keyId"/> and <paramref name="name"/> appended whose value
    /// <paramref name="sign"/> computes over every byte before it, then a new HASH section.
    /// </summary>
    public static byte[] Replace(ReadOnlySpan<byte> file, string keyId, string name, Func<byte[], byte[]> sign)
    {
        List<Section> sections = Sections(file);
        using var output = new MemoryStream();
        int headerSize = sections[0].Start;
        output.Write(file[..headerSize]);
        foreach (Section section in sections.Where(s => s.Tag != Tag && s.Tag != HashTag))
        {
            output.Write(file[section.Start..section.End]);
        }

        byte[] keyBytes = Encoding.UTF8.GetBytes(keyId);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        int payloadLength = 1 + 4 + keyBytes.Length + 4 + nameBytes.Length + 4 + EcdsaP256SignatureSize;
        long total = output.Length + SectionHeaderSize + payloadLength + SectionHeaderSize + ChecksumSize;
        using (var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Tag);
            writer.Write((ulong)payloadLength);
            writer.Write((byte)SignatureAlgorithm.EcdsaP256Sha256);
            writer.Write(keyBytes.Length);
            writer.Write(keyBytes);
            writer.Write(nameBytes.Length);
            writer.Write(nameBytes);
            writer.Write(EcdsaP256SignatureSize);
        }

        byte[] signed = output.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(signed.AsSpan(FileLengthOffset), (ulong)total);
        byte[] value = sign(signed);
        if (value.Length != EcdsaP256SignatureSize)
        {
            throw new InvalidOperationException($"the signature is {value.Length} bytes, not {EcdsaP256SignatureSize}");
        }

        byte[] result = new byte[total];
        signed.CopyTo(result, 0);
        value.CopyTo(result, signed.Length);
        int hashAt = signed.Length + value.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(hashAt), HashTag);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(hashAt + 4), ChecksumSize);
        Sha256.HashData(result.AsSpan(0, hashAt + SectionHeaderSize), result.AsSpan(hashAt + SectionHeaderSize));
        return result;
    }
}
