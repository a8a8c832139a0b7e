using System.Buffers.Binary;
using System.Text;
using Suture.Format;
using Suture.Format.Writing;

namespace Suture.Trust;

/// <summary>
/// Reads and writes the optional <c>sign</c> section of a patch file (docs/patch-format.md,
/// "sign — signature"). The format reader walks the sections (<see cref="PatchDocument.Sections"/>)
/// and the writer re-lays the file with the section replaced (<see cref="PatchWriter.WithSection"/>);
/// this decodes and encodes the payload. Its tag starts with a lower-case letter, so a suture that
/// predates signing skips it; it must be the last section before <c>HASH</c>, so every byte of the
/// patch is either signed or the checksum.
/// </summary>
internal static class SignatureSection
{
    /// <summary>The section's name.</summary>
    public const string Name = "sign";

    private const int EcdsaP256SignatureSize = 64;
    public const int MaxSignerName = 256;

    /// <summary>
    /// The file's signature, or null if it has none. A <c>sign</c> section anywhere but right
    /// before HASH, a second one, or one that does not decode is refused: bytes after it would not
    /// be signed.
    /// </summary>
    /// <exception cref="SutureException">A malformed signature section (<see cref="ExitCode.Untrusted"/>).</exception>
    public static PatchSignature? Find(PatchDocument document)
    {
        IReadOnlyList<PatchFileSection> sections = document.Sections;
        PatchFileSection? found = document.FindSection(Name);
        if (found is not PatchFileSection section)
        {
            return null;
        }

        if (section != sections[^2] || sections.Count(s => s.Tag == section.Tag) != 1)
        {
            throw new SutureException($"{document.Path}: its signature section is not the last section before HASH, so bytes after it are not signed; the file was changed after signing; get the patch again from its publisher", ExitCode.Untrusted);
        }

        return Decode(document, section);
    }

    private static PatchSignature Decode(PatchDocument document, PatchFileSection section)
    {
        ReadOnlySpan<byte> payload = document.Payload(section);
        int at = 0;
        try
        {
            var algorithm = (SignatureAlgorithm)payload[at++];
            string keyId = ReadString(payload, ref at, KeyId.Length);
            string name = ReadString(payload, ref at, MaxSignerName);
            int valueLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[at..]);
            at += 4;
            int covered = section.PayloadOffset + at;
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

        SutureException Bad(string why) => new($"{document.Path}: its signature section does not decode: {why}; the file was damaged or changed after signing", ExitCode.Untrusted);
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
    /// The file of <paramref name="document"/> with its signature (if any) replaced by one for
    /// <paramref name="keyId"/> and <paramref name="name"/> whose value <paramref name="sign"/>
    /// computes over every byte before it (the header, whose file length already counts the
    /// signature and the checksum, every other section and this section up to the value).
    /// </summary>
    public static byte[] Replace(PatchDocument document, string keyId, string name, Func<byte[], byte[]> sign)
    {
        byte[] keyBytes = Encoding.UTF8.GetBytes(keyId);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        var payload = new byte[1 + 4 + keyBytes.Length + 4 + nameBytes.Length + 4 + EcdsaP256SignatureSize];
        int at = 0;
        payload[at++] = (byte)SignatureAlgorithm.EcdsaP256Sha256;
        at = Put(payload, at, keyBytes);
        at = Put(payload, at, nameBytes);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(at), EcdsaP256SignatureSize);
        byte[] file = PatchWriter.WithSection(document, Name, payload, out PatchFileSection placed);
        int valueAt = placed.End - EcdsaP256SignatureSize;
        byte[] value = sign(file[..valueAt]);
        if (value.Length != EcdsaP256SignatureSize)
        {
            throw new InvalidOperationException($"the signature is {value.Length} bytes, not {EcdsaP256SignatureSize}");
        }

        value.CopyTo(file, valueAt);
        PatchWriter.Seal(file);
        return file;
    }

    private static int Put(byte[] payload, int at, byte[] text)
    {
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(at), text.Length);
        text.CopyTo(payload, at + 4);
        return at + 4 + text.Length;
    }
}
