using System.Text.RegularExpressions;

namespace Suture.Server;

/// <summary>Shapes of names and identifiers accepted on input.</summary>
internal static partial class Validation
{
    /// <summary>Feed names: lower-case letters, digits, '.', '_', '-'; 1 to 64, starting with a letter or digit.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    public static partial Regex FeedName();

    /// <summary>A GNU Build ID: 2 to 64 bytes, lower-case hex.</summary>
    [GeneratedRegex("^([0-9a-f]{2}){2,64}$")]
    public static partial Regex BuildId();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    public static partial Regex Sha256();

    /// <summary>Tags: printable, no spaces, 1 to 64 characters.</summary>
    [GeneratedRegex("^[A-Za-z0-9._:=/@+-]{1,64}$")]
    public static partial Regex Tag();

    public static bool IsPrintable(string s) => !s.Any(char.IsControl);

    public static string? Remote(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}
