namespace Suture.Format;

/// <summary>
/// Section tags: four ASCII characters read as a little-endian u32. A tag whose first character is
/// lower case (bit 0x20 set) marks a section that readers which do not know it may skip.
/// </summary>
internal static class PatchSection
{
    public const uint Target = 'T' | ('R' << 8) | ('G' << 16) | ('T' << 24);
    public const uint Metadata = 'M' | ('E' << 8) | ('T' << 16) | ('A' << 24);
    public const uint Functions = 'F' | ('U' << 8) | ('N' << 16) | ('C' << 24);
    public const uint Code = 'C' | ('O' << 8) | ('D' << 16) | ('E' << 24);
    public const uint Data = 'D' | ('A' << 8) | ('T' << 16) | ('A' << 24);
    public const uint Relocations = 'R' | ('E' << 8) | ('L' << 16) | ('O' << 24);
    public const uint Unwind = 'U' | ('N' << 8) | ('W' << 16) | ('D' << 24);
    public const uint Checksum = 'H' | ('A' << 8) | ('S' << 16) | ('H' << 24);

    public const uint MayIgnoreBit = 0x20;

    /// <summary>The required sections, in the order they must appear (the checksum follows them).</summary>
    public static ReadOnlySpan<uint> Order => [Target, Metadata, Functions, Code, Data, Relocations];

    public static bool MayIgnore(uint tag) => (tag & MayIgnoreBit) != 0;

    public static string Name(uint tag) => tag switch
    {
        Target => "target",
        Metadata => "metadata",
        Functions => "functions",
        Code => "code",
        Data => "data",
        Relocations => "relocations",
        Unwind => "unwind",
        Checksum => "checksum",
        _ => Describe(tag),
    };

    /// <summary>The tag as its characters when printable, always with its hex value: <c>'ABCD' (0x44434241)</c>.</summary>
    public static string Describe(uint tag)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            byte b = (byte)(tag >> (8 * i));
            if (b is < 0x20 or > 0x7E)
            {
                return $"0x{tag:x8}";
            }

            chars[i] = (char)b;
        }

        return $"'{chars}' (0x{tag:x8})";
    }
}
