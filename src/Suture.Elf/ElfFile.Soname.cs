using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Suture.Elf;

public sealed partial class ElfFile
{
    private const long DynamicNull = 0;
    private const long DynamicSoname = 14;
    private const int DynamicEntryLength = 16;

    private StrongBox<string?>? _soname;

    /// <summary>
    /// The shared object's <c>DT_SONAME</c> (e.g. <c>libfoo.so.1</c>), read from the
    /// <c>SHT_DYNAMIC</c> section and the string table it links to; null when the file has none,
    /// or when that section or the string is malformed.
    /// </summary>
    public string? Soname => (_soname ??= new StrongBox<string?>(ReadSoname())).Value;

    private string? ReadSoname()
    {
        ElfSection? dynamic = FirstSection(ElfSectionType.Dynamic);
        if (dynamic is null || dynamic.Link >= (uint)_sections.Length || _sections[dynamic.Link].Type != ElfSectionType.StrTab)
        {
            return null;
        }

        ReadOnlySpan<byte> entries = dynamic.Data.Span;
        for (int offset = 0; offset + DynamicEntryLength <= entries.Length; offset += DynamicEntryLength)
        {
            long tag = BinaryPrimitives.ReadInt64LittleEndian(entries[offset..]);
            if (tag == DynamicNull)
            {
                break;
            }

            if (tag == DynamicSoname)
            {
                ulong value = BinaryPrimitives.ReadUInt64LittleEndian(entries[(offset + 8)..]);
                try
                {
                    string name = _image.ReadString(_sections[dynamic.Link].Data.Span, value, _sections[dynamic.Link].Name, "DT_SONAME");
                    return name.Length == 0 ? null : name;
                }
                catch (ElfFormatException)
                {
                    return null;
                }
            }
        }

        return null;
    }
}
