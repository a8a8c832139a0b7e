using System.Globalization;
using System.Text;

namespace Suture.Cli.Output;

/// <summary>
/// Text from outside suture (a patch file's description, names, ids, CVEs and build command; a
/// process name) made safe for a terminal: control characters (C0, DEL, C1) and the Unicode
/// characters that reorder or hide text (bidirectional overrides and isolates, line and
/// paragraph separators) become visible escapes (<c>\n</c>, <c>\x1b</c>, <c>\u202e</c>), so a
/// crafted string can neither move the cursor, clear the screen nor forge another output line.
/// Backslashes stay as they are (a build command's <c>\.</c> reads as written); they cannot
/// move the cursor or end a line.
/// </summary>
internal static class Printable
{
    public static string Text(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        if (!text.Any(IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case < '\u0100' when IsControl(c): builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"); break;
                case var _ when IsControl(c): builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    public static string Join(IEnumerable<string> items, string separator = ", ") => string.Join(separator, items.Select(Text));

    private static bool IsControl(char c) =>
        c < ' ' || c is >= '\u007f' and <= '\u009f'
        || c is '\u061c' or '\u200e' or '\u200f' or '\u2028' or '\u2029'
        || c is >= '\u202a' and <= '\u202e'
        || c is >= '\u2066' and <= '\u2069';
}
