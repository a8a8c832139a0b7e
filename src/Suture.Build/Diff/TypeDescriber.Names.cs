using Suture.Elf.Dwarf;

namespace Suture.Build.Diff;

internal sealed partial class TypeDescriber
{
    private string NameOf(DwarfDie die, int depth) => die.Tag switch
    {
        DwarfTag.BaseType => die.Name ?? "?",
        DwarfTag.Typedef => _layout ? Name(Target(die), depth + 1) : die.Name ?? "?",
        DwarfTag.StructureType or DwarfTag.ClassType or DwarfTag.UnionType or DwarfTag.EnumerationType => Keyword(die),
        DwarfTag.ConstType => "const " + Name(Target(die), depth + 1),
        DwarfTag.VolatileType => "volatile " + Name(Target(die), depth + 1),
        DwarfTag.AtomicType => "_Atomic " + Name(Target(die), depth + 1),
        DwarfTag.RestrictType => Name(Target(die), depth + 1) + " restrict",
        DwarfTag.PointerType => Name(Target(die), depth + 1) + "*",
        DwarfTag.ReferenceType => Name(Target(die), depth + 1) + "&",
        DwarfTag.RvalueReferenceType => Name(Target(die), depth + 1) + "&&",
        DwarfTag.PtrToMemberType => $"{Name(Target(die), depth + 1)} {Name(_info.Resolve(die.Find(DwarfAttributeName.ContainingType)), depth + 1)}::*",
        DwarfTag.ArrayType => Name(Target(die), depth + 1) + Bounds(die),
        DwarfTag.SubroutineType => $"{Name(Target(die), depth + 1)} ({string.Join(", ", Parameters(die, depth + 1))})",
        _ => die.Name ?? $"<tag 0x{die.Tag:x}>",
    };

    private IEnumerable<string> Parameters(DwarfDie function, int depth)
    {
        foreach (DwarfDie parameter in function.Children)
        {
            if (parameter.Tag == DwarfTag.FormalParameter)
            {
                yield return Name(Target(parameter), depth);
            }
            else if (parameter.Tag == DwarfTag.UnspecifiedParameters)
            {
                yield return "...";
            }
        }
    }
}
