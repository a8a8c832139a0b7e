using System.Security.Cryptography;
using System.Text;

namespace Suture.Server.Auth;

/// <summary>
/// Bearer tokens and registration keys: 32 random bytes, base64url, behind a prefix that tells their
/// kind (<c>sutk_</c> registration key, <c>suth_</c> host token, <c>suta_</c> admin token). The server
/// keeps only their SHA-256; a lookup is by that hash.
/// </summary>
internal static class Secrets
{
    public const string KeyPrefix = "sutk_";
    public const string HostPrefix = "suth_";
    public const string AdminPrefix = "suta_";

    /// <summary>Longest secret accepted on input; anything longer is not one of ours.</summary>
    public const int MaxLength = 128;

    public static string New(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The part shown in lists and the audit log: the kind and 6 characters.</summary>
    public static string Visible(string secret) => secret[..Math.Min(secret.Length, 11)];
}
