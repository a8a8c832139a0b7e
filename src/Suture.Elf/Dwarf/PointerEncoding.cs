namespace Suture.Elf.Dwarf;

/// <summary>DW_EH_PE_* pointer encodings of .eh_frame and .eh_frame_hdr (LSB 5.0, "DWARF Extensions").</summary>
public static class PointerEncoding
{
    public const byte AbsPtr = 0x00;
    public const byte ULeb128 = 0x01;
    public const byte UData2 = 0x02;
    public const byte UData4 = 0x03;
    public const byte UData8 = 0x04;
    public const byte SLeb128 = 0x09;
    public const byte SData2 = 0x0a;
    public const byte SData4 = 0x0b;
    public const byte SData8 = 0x0c;

    public const byte PcRel = 0x10;
    public const byte TextRel = 0x20;
    public const byte DataRel = 0x30;
    public const byte FuncRel = 0x40;
    public const byte Aligned = 0x50;
    public const byte Indirect = 0x80;

    public const byte Omit = 0xff;

    public const byte FormatMask = 0x0f;
    public const byte ApplicationMask = 0x70;
}
