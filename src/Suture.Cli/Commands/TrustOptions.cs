using System.CommandLine;
using Suture.Cli.Output;
using Suture.Format;
using Suture.Patching.State;
using Suture.Trust;

namespace Suture.Cli.Commands;

/// <summary>The signature check of apply: options, and the verification of every patch before any process is touched.</summary>
internal static class TrustOptions
{
    public static Option<string?> TrustDir() => new("--trust-dir")
    {
        Description = $"Directory of trusted public keys (*.pub) and the 'revoked' list (default: ${TrustStore.EnvironmentVariable}, else {TrustStore.DefaultDirectory})",
    };

    public static Option<bool> AllowUnsigned() => new("--allow-unsigned")
    {
        Description = "Apply patches that are unsigned or whose signature is not trusted (development only; the process's record and status show them as unsigned)",
    };

    /// <summary>
    /// Verifies each document and returns who signed each, by patch SHA-256, for the records.
    /// With <paramref name="allowUnsigned"/> a patch that does not verify is reported on stderr and
    /// left out (recorded as unsigned); without it, it is refused.
    /// </summary>
    public static IReadOnlyDictionary<string, PatchSigner> Verify(IConsole console, IEnumerable<PatchDocument> documents, string? trustDir, bool allowUnsigned)
    {
        var signers = new Dictionary<string, PatchSigner>(StringComparer.Ordinal);
        TrustStore? trust = null;
        foreach (PatchDocument document in documents)
        {
            try
            {
                trust ??= TrustStore.Load(TrustStore.Choose(trustDir));
                // The bytes the document was read and hashed from: what is verified is what is applied.
                Signer signer = PatchVerifier.Verify(document, trust);
                signers[document.Sha256] = new PatchSigner(signer.KeyId, signer.Name);
            }
            catch (SutureException e) when (allowUnsigned && e.ExitCode == ExitCode.Untrusted)
            {
                console.Error.WriteLine($"warning: {Printable.Text(e.Message)}; applying it anyway as unsigned (--allow-unsigned)");
            }
        }

        return signers;
    }
}
