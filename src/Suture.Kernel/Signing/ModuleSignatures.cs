using System.Buffers.Binary;
using System.Text;
using Suture.Trust;

namespace Suture.Kernel.Signing;

/// <summary>
/// Suture's signature on a livepatch module, the same ECDSA P-256 signature by a key of the trust
/// directory as a userspace patch's <c>sign</c> section (docs/kernel.md, "Signatures"). A module
/// is an ELF file the kernel reads by its section table, so, like the kernel's own module
/// signature, suture's is appended after the ELF bytes:
/// <c>ELF | algorithm (1) | key id | signer name | value length (u32) | value | payload length (u32 LE) | "~Suture signature appended~\n"</c>
/// (strings as u32 LE length + UTF-8). The value signs every byte before it. A kernel module
/// signature (<c>scripts/sign-file</c>, for sig_enforce kernels) goes after it and covers it: the
/// kernel strips only its own, and ignores bytes past the ELF sections.
/// </summary>
internal static class ModuleSignatures
{
    public const string SutureMarker = "~Suture signature appended~\n";
    public const string KernelMarker = "~Module signature appended~\n";
    private const int ValueSize = 64;
    private const int KernelSignatureInfoSize = 12; // struct module_signature

    /// <summary>Whether the file ends with a kernel module signature (sign-file's).</summary>
    public static bool HasKernelSignature(ReadOnlySpan<byte> file) => EndsWith(file, KernelMarker);

    /// <summary>Length of the file less a kernel module signature, if it has one.</summary>
    public static int WithoutKernelSignature(ReadOnlySpan<byte> file, string path)
    {
        if (!HasKernelSignature(file))
        {
            return file.Length;
        }

        int info = file.Length - KernelMarker.Length - KernelSignatureInfoSize;
        int start = info < 0 ? -1 : info - (int)BinaryPrimitives.ReadUInt32BigEndian(file[(info + 8)..]);
        return start >= 0 ? start : throw new SutureException($"{path}: its kernel module signature is truncated (the length it gives is more than the file); sign the module again", ExitCode.CorruptPatch);
    }

    /// <summary>The signature the module claims, unverified, or null if it has none.</summary>
    public static PatchSignature? Find(ReadOnlySpan<byte> file, string path)
    {
        ReadOnlySpan<byte> body = file[..WithoutKernelSignature(file, path)];
        if (!EndsWith(body, SutureMarker))
        {
            return null;
        }

        try
        {
            int lengthAt = body.Length - SutureMarker.Length - 4;
            int payloadLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[lengthAt..]);
            int start = lengthAt - payloadLength;
            ReadOnlySpan<byte> payload = body[start..lengthAt];
            int at = 0;
            var algorithm = (SignatureAlgorithm)payload[at++];
            string keyId = ReadString(payload, ref at, KeyId.Length);
            string name = ReadString(payload, ref at, 256);
            int valueLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[at..]);
            at += 4;
            if (algorithm != SignatureAlgorithm.EcdsaP256Sha256 || !KeyId.IsWellFormed(keyId) || valueLength != ValueSize || at + valueLength != payload.Length)
            {
                throw new SutureException($"{path}: its suture signature does not decode (algorithm {(byte)algorithm}, key id '{keyId}', a {valueLength}-byte value); the file was damaged or changed after signing", ExitCode.Untrusted);
            }

            return new PatchSignature(algorithm, keyId, name, payload.Slice(at, valueLength).ToArray(), start + at);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or DecoderFallbackException)
        {
            throw new SutureException($"{path}: its suture signature is truncated or its strings are not UTF-8; the file was damaged or changed after signing", ExitCode.Untrusted, e);
        }
    }

    /// <summary>The ELF bytes of the module: without either signature.</summary>
    public static int ElfLength(ReadOnlySpan<byte> file, string path)
    {
        int body = WithoutKernelSignature(file, path);
        if (Find(file, path) is not PatchSignature signature)
        {
            return body;
        }

        int lengthAt = body - SutureMarker.Length - 4;
        return lengthAt - (int)BinaryPrimitives.ReadUInt32LittleEndian(file[lengthAt..]);
    }

    /// <summary>The module with its suture signature (if any) replaced by one by <paramref name="key"/>.</summary>
    public static byte[] Sign(byte[] file, string path, SigningKey key)
    {
        if (HasKernelSignature(file))
        {
            throw new SutureException($"{path} already carries a kernel module signature, which would not cover suture's; sign with suture first, then with the module-signing key (suture kernel sign does both)", ExitCode.Usage);
        }

        byte[] keyId = Encoding.UTF8.GetBytes(key.Id);
        byte[] name = Encoding.UTF8.GetBytes(key.Name);
        int elf = ElfLength(file, path);
        var signed = new MemoryStream();
        signed.Write(file, 0, elf);
        signed.WriteByte((byte)SignatureAlgorithm.EcdsaP256Sha256);
        WriteString(signed, keyId);
        WriteString(signed, name);
        WriteUInt32(signed, ValueSize);
        byte[] value = key.Sign(signed.ToArray());
        signed.Write(value);
        WriteUInt32(signed, (uint)(signed.Length - elf));
        signed.Write(Encoding.ASCII.GetBytes(SutureMarker));
        byte[] result = signed.ToArray();
        return Find(result, path) is { } again && again.KeyId == key.Id
            ? result
            : throw new InvalidOperationException($"{path}: the signed module does not read back its signature");
    }

    /// <summary>Verifies the module's suture signature against the trust directory, as apply does for a userspace patch.</summary>
    public static Signer Verify(byte[] file, string path, TrustStore trust)
    {
        PatchSignature signature = Find(file, path)
            ?? throw new SutureException($"{path} is not signed; sign it with 'suture kernel sign {path} --key NAME.key' and install NAME.pub in {trust.Directory}, or give --allow-unsigned (development only)", ExitCode.Untrusted);
        return PatchVerifier.Check(file, path, signature, trust);
    }

    private static bool EndsWith(ReadOnlySpan<byte> file, string marker) =>
        file.Length >= marker.Length && file[^marker.Length..].SequenceEqual(Encoding.ASCII.GetBytes(marker));

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

    private static void WriteString(MemoryStream stream, byte[] text)
    {
        WriteUInt32(stream, (uint)text.Length);
        stream.Write(text);
    }

    private static void WriteUInt32(MemoryStream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }
}
