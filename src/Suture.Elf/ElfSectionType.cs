using System.Diagnostics.CodeAnalysis;

namespace Suture.Elf;

/// <summary>A section header's <c>sh_type</c> (SHT_*).</summary>
[SuppressMessage("Design", "CA1028:Enum Storage should be Int32", Justification = "Mirrors the 32-bit sh_type field.")]
public enum ElfSectionType : uint
{
    Null = 0,
    ProgBits = 1,
    SymTab = 2,
    StrTab = 3,
    Rela = 4,
    Hash = 5,
    Dynamic = 6,
    Note = 7,
    NoBits = 8,
    Rel = 9,
    ShLib = 10,
    DynSym = 11,
    InitArray = 14,
    FiniArray = 15,
    PreInitArray = 16,
    Group = 17,
    SymTabShndx = 18,
    Relr = 19,
    GnuAttributes = 0x6ffffff5,
    GnuHash = 0x6ffffff6,
    GnuLibList = 0x6ffffff7,
    GnuVerDef = 0x6ffffffd,
    GnuVerNeed = 0x6ffffffe,
    GnuVerSym = 0x6fffffff,

    [SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Architecture name.")]
    X86_64Unwind = 0x70000001,
}
