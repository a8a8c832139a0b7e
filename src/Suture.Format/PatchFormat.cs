namespace Suture.Format;

/// <summary>Fixed numbers of the v1 patch file format. The layout is documented in docs/patch-format.md.</summary>
internal static class PatchFormat
{
    /// <summary><c>\x89SUTURE\n</c>: the high byte catches 7-bit transfers, the newline catches line-ending conversion.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'S', (byte)'U', (byte)'T', (byte)'U', (byte)'R', (byte)'E', (byte)'\n'];

    public const ushort Version = 1;

    public const int VersionOffset = 8;
    public const int FlagsOffset = 10;
    public const int HeaderSizeOffset = 12;
    public const int FileLengthOffset = 16;

    /// <summary>Size of the v1 header; a file may declare a larger one, whose extra bytes readers skip.</summary>
    public const int HeaderSize = 32;
    public const int MaxHeaderSize = 4096;

    /// <summary>Tag (u32) and payload length (u64).</summary>
    public const int SectionHeaderSize = 12;

    public const int ChecksumSize = 32;
    public const int ChecksumSectionSize = SectionHeaderSize + ChecksumSize;
    public const int MinFileSize = HeaderSize + ChecksumSectionSize;

    public const int MinExpectedBytes = 5;
    public const int MaxExpectedBytes = 64;

    /// <summary>Relocation entry flag: a version string follows the symbol name.</summary>
    public const ushort RelocationHasVersion = 1;

    /// <summary>Smallest encoding of a function entry: empty symbol length, fixed fields, 5 expected bytes.</summary>
    public const int MinFunctionEntrySize = 4 + 8 + 8 + 4 + 1 + MinExpectedBytes + 8 + 8;

    /// <summary>Smallest encoding of a relocation entry: fixed fields and the symbol length.</summary>
    public const int MinRelocationEntrySize = 8 + 1 + 1 + 2 + 8 + 8 + 4;

    /// <summary>Relocation width in bytes, or 0 for an unknown kind.</summary>
    public static int Width(PatchRelocationKind kind) => kind switch
    {
        PatchRelocationKind.Abs64 or PatchRelocationKind.Pc64 or PatchRelocationKind.TpOff64
            or PatchRelocationKind.DtpMod64 or PatchRelocationKind.DtpOff64 => 8,
        PatchRelocationKind.Pc32 or PatchRelocationKind.Abs32 or PatchRelocationKind.Abs32S
            or PatchRelocationKind.TpOff32 or PatchRelocationKind.DtpOff32 => 4,
        _ => 0,
    };

    /// <summary>
    /// Whether the kind refers to a thread-local variable: its symbol is an Object (value: the
    /// variable's offset in the target's TLS block) or External symbol, never an Image one.
    /// </summary>
    public static bool IsThreadLocal(PatchRelocationKind kind) => kind is PatchRelocationKind.TpOff64
        or PatchRelocationKind.TpOff32 or PatchRelocationKind.DtpMod64 or PatchRelocationKind.DtpOff64 or PatchRelocationKind.DtpOff32;

    public static bool IsDefined(PatchSymbolKind kind) =>
        kind is PatchSymbolKind.Image or PatchSymbolKind.Object or PatchSymbolKind.External;
}
