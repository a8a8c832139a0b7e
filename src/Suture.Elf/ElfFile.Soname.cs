using System.Runtime.CompilerServices;

namespace Suture.Elf;

public sealed partial class ElfFile
{
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

        foreach (ElfDynamicEntry entry in ElfDynamicEntry.Parse(dynamic.Data.Span))
        {
            if (entry.Tag == ElfDynamicTag.Soname)
            {
                try
                {
                    string name = _image.ReadString(_sections[dynamic.Link].Data.Span, entry.Value, _sections[dynamic.Link].Name, "DT_SONAME");
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
