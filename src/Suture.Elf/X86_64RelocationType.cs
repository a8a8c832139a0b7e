using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

/// <summary>The x86-64 psABI relocation types (R_X86_64_*), as found in <see cref="ElfRelocation.Type"/>.</summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Architecture name.")]
public static class X86_64RelocationType
{
    public const uint None = 0;
    public const uint R64 = 1;
    public const uint Pc32 = 2;
    public const uint Got32 = 3;
    public const uint Plt32 = 4;
    public const uint Copy = 5;
    public const uint GlobDat = 6;
    public const uint JumpSlot = 7;
    public const uint Relative = 8;
    public const uint GotPcRel = 9;
    public const uint R32 = 10;
    public const uint R32S = 11;
    public const uint R16 = 12;
    public const uint Pc16 = 13;
    public const uint R8 = 14;
    public const uint Pc8 = 15;
    public const uint DtpMod64 = 16;
    public const uint DtpOff64 = 17;
    public const uint TpOff64 = 18;
    public const uint TlsGd = 19;
    public const uint TlsLd = 20;
    public const uint DtpOff32 = 21;
    public const uint GotTpOff = 22;
    public const uint TpOff32 = 23;
    public const uint Pc64 = 24;
    public const uint GotOff64 = 25;
    public const uint GotPc32 = 26;
    public const uint Got64 = 27;
    public const uint GotPcRel64 = 28;
    public const uint GotPc64 = 29;
    public const uint GotPlt64 = 30;
    public const uint PltOff64 = 31;
    public const uint Size32 = 32;
    public const uint Size64 = 33;
    public const uint GotPc32TlsDesc = 34;
    public const uint TlsDescCall = 35;
    public const uint TlsDesc = 36;
    public const uint IRelative = 37;
    public const uint GotPcRelX = 41;
    public const uint RexGotPcRelX = 42;

    /// <summary>The psABI name, e.g. "R_X86_64_PC32"; unknown numbers give "R_X86_64_&lt;n&gt;".</summary>
    public static string Name(uint type) => type switch
    {
        None => "R_X86_64_NONE",
        R64 => "R_X86_64_64",
        Pc32 => "R_X86_64_PC32",
        Got32 => "R_X86_64_GOT32",
        Plt32 => "R_X86_64_PLT32",
        Copy => "R_X86_64_COPY",
        GlobDat => "R_X86_64_GLOB_DAT",
        JumpSlot => "R_X86_64_JUMP_SLOT",
        Relative => "R_X86_64_RELATIVE",
        GotPcRel => "R_X86_64_GOTPCREL",
        R32 => "R_X86_64_32",
        R32S => "R_X86_64_32S",
        R16 => "R_X86_64_16",
        Pc16 => "R_X86_64_PC16",
        R8 => "R_X86_64_8",
        Pc8 => "R_X86_64_PC8",
        DtpMod64 => "R_X86_64_DTPMOD64",
        DtpOff64 => "R_X86_64_DTPOFF64",
        TpOff64 => "R_X86_64_TPOFF64",
        TlsGd => "R_X86_64_TLSGD",
        TlsLd => "R_X86_64_TLSLD",
        DtpOff32 => "R_X86_64_DTPOFF32",
        GotTpOff => "R_X86_64_GOTTPOFF",
        TpOff32 => "R_X86_64_TPOFF32",
        Pc64 => "R_X86_64_PC64",
        GotOff64 => "R_X86_64_GOTOFF64",
        GotPc32 => "R_X86_64_GOTPC32",
        Got64 => "R_X86_64_GOT64",
        GotPcRel64 => "R_X86_64_GOTPCREL64",
        GotPc64 => "R_X86_64_GOTPC64",
        GotPlt64 => "R_X86_64_GOTPLT64",
        PltOff64 => "R_X86_64_PLTOFF64",
        Size32 => "R_X86_64_SIZE32",
        Size64 => "R_X86_64_SIZE64",
        GotPc32TlsDesc => "R_X86_64_GOTPC32_TLSDESC",
        TlsDescCall => "R_X86_64_TLSDESC_CALL",
        TlsDesc => "R_X86_64_TLSDESC",
        IRelative => "R_X86_64_IRELATIVE",
        GotPcRelX => "R_X86_64_GOTPCRELX",
        RexGotPcRelX => "R_X86_64_REX_GOTPCRELX",
        _ => $"R_X86_64_<{type}>",
    };
}
