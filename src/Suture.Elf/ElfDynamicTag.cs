using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

/// <summary>A dynamic section entry's <c>d_tag</c> (DT_*): the ones Suture reads.</summary>
[SuppressMessage("Design", "CA1028:Enum Storage should be Int32", Justification = "Mirrors the 64-bit d_tag field.")]
public enum ElfDynamicTag : long
{
    Null = 0,
    Needed = 1,
    Soname = 14,
    Debug = 21,
}
