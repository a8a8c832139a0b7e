using Suture.Build.Diff;
using Suture.Elf;

namespace Suture.Build.Assembly;

/// <summary>A section of one of the patched objects.</summary>
internal sealed record SectionRef(ObjectIndex Object, ElfSection Section)
{
    public bool IsCode => (Section.Flags & ElfSectionFlags.ExecInstr) != 0;

    public bool IsBss => Section.Type == ElfSectionType.NoBits;

    public override string ToString() => $"{System.IO.Path.GetFileName(Object.Path)}:{Section.Name}";
}
