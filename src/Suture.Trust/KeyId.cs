namespace Suture.Trust;

/// <summary>
/// The short id of a signing key: the first 8 bytes (16 lowercase hex digits) of the SHA-256 of
/// its public key's DER SubjectPublicKeyInfo. Computed from the key itself, never taken from a
/// file name or a comment, so two files holding the same key have the same id.
/// </summary>
internal static class KeyId
{
    public const int Length = 16;

    public static string Of(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(Sha256.HashData(subjectPublicKeyInfo).AsSpan(0, Length / 2));

    public static bool IsWellFormed(string text) =>
        text.Length == Length && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
