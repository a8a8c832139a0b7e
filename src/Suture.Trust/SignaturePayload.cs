using System.Buffers.Binary;
using System.Text;

namespace Suture.Trust;

/// <summary>
/// The bytes of a suture signature, wherever it is kept (a patch's <c>sign</c> section, the tail
/// of a kernel module): the algorithm (1 byte), the key id and the signer's name (each a 32-bit
/// little-endian length and UTF-8), the value's length (32 bits) and the value, which ends the
/// payload and signs every byte of the file before it. docs/patch-format.md.
/// </summary>
internal static class SignaturePayload
{
    public const int ValueSize = 64; // ECDSA P-256, IEEE P1363
    public const int MaxSignerName = 256;

    /// <summary>The payload for <paramref name="keyId"/> and <paramref name="name"/>, its last <see cref="ValueSize"/> bytes zero for the value.</summary>
    public static byte[] Encode(string keyId, string name)
    {
        byte[] keyBytes = Encoding.UTF8.GetBytes(keyId);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        var payload = new byte[1 + 4 + keyBytes.Length + 4 + nameBytes.Length + 4 + ValueSize];
        int at = 0;
        payload[at++] = (byte)SignatureAlgorithm.EcdsaP256Sha256;
        at = Put(payload, at, keyBytes);
        at = Put(payload, at, nameBytes);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(at), ValueSize);
        return payload;
    }

    /// <summary>
    /// Decodes a payload found at file offset <paramref name="offset"/>; what does not decode is
    /// <paramref name="bad"/> of the reason.
    /// </summary>
    public static PatchSignature Decode(ReadOnlySpan<byte> payload, int offset, Func<string, SutureException> bad)
    {
        int at = 0;
        try
        {
            var algorithm = (SignatureAlgorithm)payload[at++];
            string keyId = ReadString(payload, ref at, KeyId.Length);
            string name = ReadString(payload, ref at, MaxSignerName);
            int valueLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[at..]);
            at += 4;
            if (algorithm != SignatureAlgorithm.EcdsaP256Sha256)
            {
                throw bad($"algorithm {(byte)algorithm} is unknown (this suture knows 1, ECDSA P-256 SHA-256); upgrade suture");
            }

            if (!KeyId.IsWellFormed(keyId))
            {
                throw bad($"key id '{keyId}' is not {KeyId.Length} lowercase hex digits");
            }

            if (valueLength != ValueSize || at + valueLength != payload.Length)
            {
                throw bad($"the signature is {valueLength} bytes in a {payload.Length}-byte payload (expected {ValueSize}, ending it)");
            }

            return new PatchSignature(algorithm, keyId, name, payload.Slice(at, valueLength).ToArray(), offset + at);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or DecoderFallbackException)
        {
            throw bad("it is truncated or its strings are not UTF-8");
        }
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

    private static int Put(byte[] payload, int at, byte[] text)
    {
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(at), text.Length);
        text.CopyTo(payload, at + 4);
        return at + 4 + text.Length;
    }
}
