using Suture.Format;

namespace Suture.Patching.Engine;

/// <summary>
/// A patch file read from disk, with its identity: the SHA-256 over its content that the file
/// carries and the reader verified (recorded in the target on apply, shown by status).
/// </summary>
public sealed record PatchDocument(string Path, PatchFile Patch, string Sha256)
{
    public static PatchDocument Load(string path)
    {
        byte[] bytes = PatchFileReader.ReadFile(path);
        PatchFile patch = PatchFileReader.Read(bytes, path);
        return new PatchDocument(path, patch, Convert.ToHexStringLower(bytes.AsSpan(bytes.Length - Suture.Sha256.HashSize)));
    }
}
