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

        int lengthAt = body.Length - SutureMarker.Length - 4;
        int payloadLength = lengthAt >= 0 ? (int)BinaryPrimitives.ReadUInt32LittleEndian(body[lengthAt..]) : -1;
        int start = lengthAt - payloadLength;
        if (payloadLength < 0 || start < 0)
        {
            throw new SutureException($"{path}: its suture signature is truncated; the file was damaged or changed after signing", ExitCode.Untrusted);
        }

        return SignaturePayload.Decode(body[start..lengthAt], start, why =>
            new SutureException($"{path}: its suture signature does not decode: {why}; the file was damaged or changed after signing", ExitCode.Untrusted));
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

        byte[] payload = SignaturePayload.Encode(key.Id, key.Name);
        int elf = ElfLength(file, path);
        var signed = new MemoryStream();
        signed.Write(file, 0, elf);
        signed.Write(payload, 0, payload.Length - SignaturePayload.ValueSize);
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

    private static void WriteUInt32(MemoryStream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }
}
