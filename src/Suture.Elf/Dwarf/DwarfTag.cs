namespace Suture.Elf.Dwarf;

/// <summary>The DW_TAG_* values the readers of this library look at (DWARF 5, section 7.5.3).</summary>
public static class DwarfTag
{
    public const int ArrayType = 0x01;
    public const int ClassType = 0x02;
    public const int EnumerationType = 0x04;
    public const int FormalParameter = 0x05;
    public const int LexicalBlock = 0x0b;
    public const int Member = 0x0d;
    public const int PointerType = 0x0f;
    public const int ReferenceType = 0x10;
    public const int CompileUnit = 0x11;
    public const int StructureType = 0x13;
    public const int SubroutineType = 0x15;
    public const int Typedef = 0x16;
    public const int UnionType = 0x17;
    public const int UnspecifiedParameters = 0x18;
    public const int Inheritance = 0x1c;
    public const int InlinedSubroutine = 0x1d;
    public const int PtrToMemberType = 0x1f;
    public const int SubrangeType = 0x21;
    public const int BaseType = 0x24;
    public const int ConstType = 0x26;
    public const int Enumerator = 0x28;
    public const int Subprogram = 0x2e;
    public const int Variable = 0x34;
    public const int VolatileType = 0x35;
    public const int RestrictType = 0x37;
    public const int Namespace = 0x39;
    public const int UnspecifiedType = 0x3b;
    public const int PartialUnit = 0x3c;
    public const int TypeUnit = 0x41;
    public const int RvalueReferenceType = 0x42;
    public const int AtomicType = 0x47;
}
