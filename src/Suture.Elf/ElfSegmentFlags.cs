using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

/// <summary>A program header's <c>p_flags</c> (PF_*).</summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Named for the ELF field.")]
[SuppressMessage("Design", "CA1028:Enum Storage should be Int32", Justification = "Mirrors the 32-bit p_flags field.")]
public enum ElfSegmentFlags : uint
{
    None = 0,
    X = 1,
    W = 2,
    R = 4,
}
