using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

/// <summary>A section header's <c>sh_flags</c> (SHF_*).</summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Named for the ELF field.")]
[SuppressMessage("Design", "CA1028:Enum Storage should be Int32", Justification = "Mirrors the 64-bit sh_flags field.")]
public enum ElfSectionFlags : ulong
{
    None = 0,
    Write = 0x1,
    Alloc = 0x2,
    ExecInstr = 0x4,
    Merge = 0x10,
    Strings = 0x20,
    InfoLink = 0x40,
    LinkOrder = 0x80,
    OsNonConforming = 0x100,
    Group = 0x200,
    Tls = 0x400,
    Compressed = 0x800,
}
