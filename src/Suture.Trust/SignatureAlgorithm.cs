namespace Suture.Trust;

/// <summary>Signature algorithms of the <c>sign</c> section (docs/patch-format.md).</summary>
internal enum SignatureAlgorithm : byte
{
    /// <summary>ECDSA on NIST P-256 over SHA-256, the signature as r || s (IEEE P1363, 64 bytes).</summary>
    EcdsaP256Sha256 = 1,
}
