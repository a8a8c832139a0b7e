using Suture.Format;

namespace Suture.Trust;

/// <summary>Signs a patch file: replaces any signature it has with one by the given key.</summary>
internal static class PatchSigning
{
    /// <param name="file">The whole patch file; it must be a valid patch.</param>
    /// <returns>The signed file, checked to read back as the same patch.</returns>
    public static byte[] Sign(byte[] file, string path, SigningKey key) => Sign(PatchDocument.Read(file, path), key);

    /// <returns>The signed file, checked to read back as the same patch.</returns>
    public static byte[] Sign(PatchDocument document, SigningKey key)
    {
        byte[] signed = SignatureSection.Replace(document, key.Id, key.Name, key.Sign);
        PatchFile again = PatchDocument.Read(signed, document.Path).Patch;
        return document.Patch.ContentEquals(again)
            ? signed
            : throw new InvalidOperationException($"{document.Path}: the signed file does not read back as the same patch");
    }
}
