using System.Security.Cryptography;

namespace Suture.Agent.Cache;

/// <summary>
/// Downloaded patch files (<c>CACHE/SHA256.patch</c>, named by the SHA-256 of the whole file).
/// A file is written only after its digest, size and signature were checked, and verified again
/// whenever it is read back, so a file changed in the cache is refused, never applied.
/// </summary>
internal sealed class PatchCache(string directory, PatchVerification verification)
{
    public const string Extension = ".patch";

    public string Directory { get; } = directory;

    public string PathOf(string fileSha256) => Path.Combine(Directory, fileSha256 + Extension);

    /// <summary>Checks and stores downloaded bytes; the verified patch.</summary>
    /// <exception cref="SutureException">Digest or size not those the server named, corrupt, or not trusted.</exception>
    public VerifiedPatch Add(byte[] bytes, string expectedSha256, long expectedSize, string source)
    {
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase) || bytes.LongLength != expectedSize)
        {
            throw new SutureException($"patch {source} is {bytes.LongLength} bytes with SHA-256 {sha}, not the {expectedSize} bytes with SHA-256 {expectedSha256} the server named; refusing it (a proxy or the server changed it); nothing was applied", ExitCode.Untrusted);
        }

        string path = PathOf(sha);
        VerifiedPatch verified = verification.Verify(bytes, path);
        AgentFiles.WriteBytes(path, bytes, private_: false);
        return verified;
    }

    /// <summary>The cached patch with that file SHA-256, verified again, or null if not cached.</summary>
    public VerifiedPatch? TryGet(string fileSha256)
    {
        string path = PathOf(fileSha256.ToLowerInvariant());
        return File.Exists(path) ? verification.Verify(File.ReadAllBytes(path), path) : null;
    }

    /// <summary>
    /// Every cached patch that still verifies; <paramref name="refused"/> gets the others (a key
    /// revoked since, a damaged file) with the reason.
    /// </summary>
    public IReadOnlyList<VerifiedPatch> All(Action<string, SutureException>? refused = null)
    {
        var patches = new List<VerifiedPatch>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return patches;
        }

        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            try
            {
                patches.Add(verification.Verify(File.ReadAllBytes(path), path));
            }
            catch (SutureException e)
            {
                refused?.Invoke(path, e);
            }
        }

        return patches;
    }
}
