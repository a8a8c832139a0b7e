using Suture.Format;

namespace Suture.Trust;

/// <summary>Signs a patch file: replaces any signature it has with one by the given key.</summary>
internal static class PatchSigning
{
    /// <param name="file">The whole patch file; it must be a valid patch.</param>
    /// <returns>The signed file, checked to read back as the same patch.</returns>
    public static byte[] Sign(byte[] file, string path, SigningKey key)
    {
        PatchFile patch = PatchDocument.Read(file, path).Patch;
        byte[] signed = SignatureSection.Replace(file, key.Id, key.Name, key.Sign);
        PatchFile again = PatchDocument.Read(signed, path).Patch;
        return patch.ContentEquals(again)
            ? signed
            : throw new InvalidOperationException($"{path}: the signed file does not read back as the same patch");
    }
}
