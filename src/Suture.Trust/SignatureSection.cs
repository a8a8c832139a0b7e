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

    public const int MaxSignerName = SignaturePayload.MaxSignerName;

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

    private static PatchSignature Decode(PatchDocument document, PatchFileSection section) =>
        SignaturePayload.Decode(document.Payload(section), section.PayloadOffset, why =>
            new SutureException($"{document.Path}: its signature section does not decode: {why}; the file was damaged or changed after signing", ExitCode.Untrusted));

    /// <summary>
    /// The file of <paramref name="document"/> with its signature (if any) replaced by one for
    /// <paramref name="keyId"/> and <paramref name="name"/> whose value <paramref name="sign"/>
    /// computes over every byte before it (the header, whose file length already counts the
    /// signature and the checksum, every other section and this section up to the value).
    /// </summary>
    public static byte[] Replace(PatchDocument document, string keyId, string name, Func<byte[], byte[]> sign)
    {
        byte[] file = PatchWriter.WithSection(document, Name, SignaturePayload.Encode(keyId, name), out PatchFileSection placed);
        int valueAt = placed.End - SignaturePayload.ValueSize;
        byte[] value = sign(file[..valueAt]);
        if (value.Length != SignaturePayload.ValueSize)
        {
            throw new InvalidOperationException($"the signature is {value.Length} bytes, not {SignaturePayload.ValueSize}");
        }

        value.CopyTo(file, valueAt);
        PatchWriter.Seal(file);
        return file;
    }
}
