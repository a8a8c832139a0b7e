using Suture.Elf.Dwarf;

namespace Suture.Build.Diff;

internal sealed partial class TypeDescriber
{
    private const byte OpPlusUconst = 0x23;

    /// <summary>
    /// A struct, class or union: in the layout, its size and every data member and base class
    /// with its offset (and bit field); in a message, its members when it is the variable's own
    /// type, else its name.
    /// </summary>
    private string Aggregate(DwarfDie die, int depth)
    {
        if (die.Has(DwarfAttributeName.Declaration))
        {
            return _layout ? $"{Keyword(die)}<incomplete>" : Keyword(die);
        }

        if (!_layout && depth > 0)
        {
            return Keyword(die);
        }

        IEnumerable<string> members = die.Children
            .Where(c => c.Tag is DwarfTag.Member or DwarfTag.Inheritance && !c.Has(DwarfAttributeName.Declaration) && !c.Has(DwarfAttributeName.External))
            .Select(c => Member(c, depth + 1));
        string size = _layout ? $"<{Size(die)}>" : "";
        return $"{Keyword(die)}{size} {{{string.Join("; ", members)}}}";
    }

    private string Member(DwarfDie member, int depth)
    {
        DwarfDie? type = Target(member);
        string offset = Offset(member);
        if (member.Tag == DwarfTag.Inheritance)
        {
            return $"base {(_layout ? Type(type, depth) : Name(type, depth))} @{offset}";
        }

        string name = member.Name ?? "<anonymous>";
        string declaration = !_layout && type is { Tag: DwarfTag.ArrayType }
            ? $"{Type(Target(type), depth + 1)} {name}{Bounds(type)}"
            : $"{Type(type, depth)} {name}";
        if (member.Find(DwarfAttributeName.BitSize) is { } bits)
        {
            string bitOffset = member.Find(DwarfAttributeName.DataBitOffset) is { } dataBitOffset
                ? $"bit {dataBitOffset.Value}"
                : $"{offset} bit {member.Find(DwarfAttributeName.BitOffset)?.Value ?? 0} of {member.Find(DwarfAttributeName.ByteSize)?.Value ?? 0}";
            return $"{declaration}:{bits.Value} @{bitOffset}";
        }

        return $"{declaration} @{offset}";
    }

    /// <summary>DW_AT_data_member_location: a constant, or DW_OP_plus_uconst N (DWARF 2 and 3); 0 in a union.</summary>
    private static string Offset(DwarfDie member)
    {
        DwarfAttributeValue? location = member.Find(DwarfAttributeName.DataMemberLocation);
        if (location is null)
        {
            return "0";
        }

        if (location.Kind == DwarfValueKind.Constant)
        {
            return location.Value.ToString();
        }

        ReadOnlySpan<byte> expression = location.Block.Span;
        if (location.Kind == DwarfValueKind.Block && expression.Length >= 2 && expression[0] == OpPlusUconst)
        {
            ulong value = 0;
            for (int i = 1, shift = 0; i < expression.Length && shift < 64; i++, shift += 7)
            {
                value |= (ulong)(expression[i] & 0x7f) << shift;
                if ((expression[i] & 0x80) == 0)
                {
                    return value.ToString();
                }
            }
        }

        return "?";
    }
}
