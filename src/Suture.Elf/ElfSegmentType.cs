using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

/// <summary>A program header's <c>p_type</c> (PT_*).</summary>
[SuppressMessage("Design", "CA1028:Enum Storage should be Int32", Justification = "Mirrors the 32-bit p_type field.")]
public enum ElfSegmentType : uint
{
    Null = 0,
    Load = 1,
    Dynamic = 2,
    Interp = 3,
    Note = 4,
    ShLib = 5,
    Phdr = 6,
    Tls = 7,
    GnuEhFrame = 0x6474e550,
    GnuStack = 0x6474e551,
    GnuRelro = 0x6474e552,
    GnuProperty = 0x6474e553,
}
