using Microsoft.AspNetCore.Identity;

namespace Suture.Server.Auth;

/// <summary>
/// Password hashes with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2 with
/// HMAC-SHA512, a random salt per hash, the iteration count in the hash so it can be raised), and
/// the rules a new password must meet.
/// </summary>
internal static class Passwords
{
    public const int MinLength = 12;
    public const int MaxLength = 256;

    private static readonly object Subject = new();
    private static readonly PasswordHasher<object> Hasher = new();

    /// <summary>A hash no password matches, verified for unknown users so that a wrong name costs as long as a wrong password.</summary>
    private static readonly string Decoy = Hasher.HashPassword(Subject, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    public static string Hash(string password) => Hasher.HashPassword(Subject, password);

    /// <summary>Whether <paramref name="password"/> matches; false for a null hash (a user without a password).</summary>
    public static bool Verify(string? hash, string password)
    {
        bool matches = Hasher.VerifyHashedPassword(Subject, hash ?? Decoy, password) != PasswordVerificationResult.Failed;
        return hash is not null && matches;
    }

    /// <summary>Why a new password is refused, or null.</summary>
    public static string? Problem(string? password) =>
        password is null || password.Length < MinLength ? $"password: give at least {MinLength} characters (a passphrase is easiest)"
        : password.Length > MaxLength ? $"password: at most {MaxLength} characters"
        : password.Any(char.IsControl) ? "password: control characters are not allowed"
        : null;
}
