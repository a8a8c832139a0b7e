namespace Suture.Elf.Dwarf;

/// <summary>The unit types of DWARF 5 (DW_UT_*); units of DWARF 2 to 4 are Compile, or Type in .debug_types.</summary>
public enum DwarfUnitKind
{
    Compile = 1,
    Type = 2,
    Partial = 3,
    Skeleton = 4,
    SplitCompile = 5,
    SplitType = 6,
}
