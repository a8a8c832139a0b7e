using System.Security.Cryptography;
using Suture.Patching.Format;

namespace Suture.Patching.Engine;

/// <summary>A patch file read from disk with the SHA-256 of its bytes (recorded in the target on apply).</summary>
public sealed record PatchDocument(string Path, PatchFile Patch, string Sha256)
{
    public static PatchDocument Load(string path)
    {
        PatchFile patch = PatchFileReader.Load(path);
        using FileStream stream = File.OpenRead(path);
        return new PatchDocument(path, patch, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}
