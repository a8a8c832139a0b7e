namespace Suture.Build.Diff;

/// <summary>
/// <c>OLD -> NEW</c> for a refusal line: the types as written, or their layouts when they read
/// the same (a typedef or a nested struct changed); long ones are cut to a window around the
/// first difference.
/// </summary>
internal static class TypeChangeText
{
    private const int MaxLength = 100;
    private const int ContextBefore = 30;
    private const string Ellipsis = "...";

    public static string Format(TypeSignature before, TypeSignature after)
    {
        (string old, string @new) = before.Display == after.Display ? (before.Layout, after.Layout) : (before.Display, after.Display);
        if (old.Length <= MaxLength && @new.Length <= MaxLength)
        {
            return $"{old} -> {@new}";
        }

        int common = 0;
        while (common < old.Length && common < @new.Length && old[common] == @new[common])
        {
            common++;
        }

        int start = Math.Max(0, common - ContextBefore);
        int word = start == 0 ? -1 : old.IndexOf(' ', start, common - start);
        start = word < 0 ? start : word + 1; // begin at a word
        return $"{Window(old, start)} -> {Window(@new, start)}";
    }

    private static string Window(string text, int start)
    {
        int length = Math.Min(MaxLength, text.Length - start);
        return string.Concat(start > 0 ? Ellipsis : "", text.AsSpan(start, length), start + length < text.Length ? Ellipsis : "");
    }
}
