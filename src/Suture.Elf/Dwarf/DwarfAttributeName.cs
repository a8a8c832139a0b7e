namespace Suture.Elf.Dwarf;

/// <summary>The DW_AT_* values the readers of this library look at (DWARF 5, section 7.5.4).</summary>
public static class DwarfAttributeName
{
    public const int Sibling = 0x01;
    public const int Location = 0x02;
    public const int Name = 0x03;
    public const int ByteSize = 0x0b;
    public const int BitOffset = 0x0c;
    public const int BitSize = 0x0d;
    public const int ContainingType = 0x1d;
    public const int LowerBound = 0x22;
    public const int Producer = 0x25;
    public const int UpperBound = 0x2f;
    public const int AbstractOrigin = 0x31;
    public const int Count = 0x37;
    public const int DataMemberLocation = 0x38;
    public const int Declaration = 0x3c;
    public const int Encoding = 0x3e;
    public const int External = 0x3f;
    public const int Specification = 0x47;
    public const int Type = 0x49;
    public const int Signature = 0x69;
    public const int DataBitOffset = 0x6b;
    public const int LinkageName = 0x6e;
    public const int StrOffsetsBase = 0x72;
}
