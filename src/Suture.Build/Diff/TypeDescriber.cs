using System.Text;
using Suture.Elf.Dwarf;

namespace Suture.Build.Diff;

/// <summary>
/// Renders a DWARF type entry as text, in one of two modes: the layout (every by-value part
/// expanded with sizes and offsets, typedefs replaced by what they name; compared between
/// builds) or the display (as a C programmer wrote it, a struct's members shown one level deep).
/// Pointers name their pointee without expanding it, so recursive types end; nesting is bounded
/// and a reference cycle (only in malformed input) is cut.
/// </summary>
internal sealed partial class TypeDescriber
{
    private const int MaxDepth = 64;

    private readonly DwarfInfo _info;
    private readonly bool _layout;
    private readonly HashSet<DwarfDieId> _open = [];

    private TypeDescriber(DwarfInfo info, bool layout)
    {
        _info = info;
        _layout = layout;
    }

    /// <summary>The signature of the type <paramref name="type"/> (null: void).</summary>
    public static TypeSignature Describe(DwarfInfo info, DwarfDie? type) =>
        new(new TypeDescriber(info, layout: true).Type(type, 0), new TypeDescriber(info, layout: false).Type(type, 0));

    /// <summary>The type in full (its layout, or as displayed at the top of a message).</summary>
    private string Type(DwarfDie? die, int depth) => Guarded(die, depth, Render);

    /// <summary>Only the name of the type, as a pointer's pointee: <c>struct s</c>, <c>int (char*, ...)</c>.</summary>
    private string Name(DwarfDie? die, int depth) => Guarded(die, depth, NameOf);

    private string Guarded(DwarfDie? die, int depth, Func<DwarfDie, int, string> render)
    {
        // A declaration that names its type unit (-fdebug-types-section) stands for the type there.
        if (die?.Find(DwarfAttributeName.Signature) is { } signature && _info.Resolve(signature) is { } complete)
        {
            die = complete;
        }

        if (die is null)
        {
            return "void";
        }

        if (depth > MaxDepth || !_open.Add(die.Id))
        {
            return "...";
        }

        try
        {
            return render(die, depth);
        }
        finally
        {
            _open.Remove(die.Id);
        }
    }

    private string Render(DwarfDie die, int depth) => die.Tag switch
    {
        DwarfTag.BaseType => _layout ? $"{die.Name}<{Size(die)} {Encoding(die)}>" : die.Name ?? "?",
        DwarfTag.Typedef => _layout ? Type(Target(die), depth + 1) : Typedef(die, depth),
        DwarfTag.ConstType => Qualified("const", die, depth),
        DwarfTag.VolatileType => Qualified("volatile", die, depth),
        DwarfTag.AtomicType => Qualified("_Atomic", die, depth),
        DwarfTag.RestrictType => Type(Target(die), depth + 1) + " restrict",
        DwarfTag.PointerType => Name(Target(die), depth + 1) + "*",
        DwarfTag.ReferenceType => Name(Target(die), depth + 1) + "&",
        DwarfTag.RvalueReferenceType => Name(Target(die), depth + 1) + "&&",
        DwarfTag.PtrToMemberType => $"{Name(Target(die), depth + 1)} {Name(_info.Resolve(die.Find(DwarfAttributeName.ContainingType)), depth + 1)}::*",
        DwarfTag.ArrayType => Type(Target(die), depth + 1) + Bounds(die),
        DwarfTag.StructureType or DwarfTag.ClassType or DwarfTag.UnionType => Aggregate(die, depth),
        DwarfTag.EnumerationType => _layout ? $"{Keyword(die)}<{Size(die)}>:{Type(Target(die), depth + 1)}" : Keyword(die),
        _ => NameOf(die, depth),
    };

    /// <summary>A typedef as written; at the top of a message, with the struct it names.</summary>
    private string Typedef(DwarfDie die, int depth) =>
        depth == 0 && Target(die) is { Tag: DwarfTag.StructureType or DwarfTag.ClassType or DwarfTag.UnionType } aggregate
            ? $"{die.Name} = {Type(aggregate, depth)}"
            : die.Name ?? "?";

    /// <summary>
    /// <c>const T</c>; in the layout, a run of qualifiers is sorted, so <c>const volatile</c> and
    /// <c>volatile const</c> compare equal whichever order the compiler nested them in.
    /// </summary>
    private string Qualified(string qualifier, DwarfDie die, int depth)
    {
        if (!_layout)
        {
            return $"{qualifier} {Type(Target(die), depth + 1)}";
        }

        var qualifiers = new SortedSet<string>(StringComparer.Ordinal) { qualifier };
        DwarfDie? inner = Target(die);
        while (inner is { Tag: DwarfTag.ConstType or DwarfTag.VolatileType or DwarfTag.AtomicType } && depth < MaxDepth)
        {
            qualifiers.Add(inner.Tag switch { DwarfTag.ConstType => "const", DwarfTag.VolatileType => "volatile", _ => "_Atomic" });
            inner = Target(inner);
            depth++;
        }

        return $"{string.Join(' ', qualifiers)} {Type(inner, depth + 1)}";
    }

    /// <summary>The entry DW_AT_type refers to (null: void).</summary>
    private DwarfDie? Target(DwarfDie die) => _info.Resolve(die.Find(DwarfAttributeName.Type));

    private static string Size(DwarfDie die) => die.Find(DwarfAttributeName.ByteSize) is { Kind: DwarfValueKind.Constant } size ? size.Value.ToString() : "?";

    private static string Encoding(DwarfDie die) => die.Find(DwarfAttributeName.Encoding)?.Value switch
    {
        1 => "address",
        2 => "boolean",
        3 => "complex",
        4 => "float",
        5 => "signed",
        6 => "signed char",
        7 => "unsigned",
        8 => "unsigned char",
        16 => "UTF",
        { } other => $"encoding {other}",
        null => "no encoding",
    };

    /// <summary><c>struct s</c>, <c>union u</c>, <c>enum e</c>; <c>struct &lt;anonymous&gt;</c> without a name.</summary>
    private static string Keyword(DwarfDie die)
    {
        string keyword = die.Tag switch
        {
            DwarfTag.StructureType => "struct",
            DwarfTag.ClassType => "class",
            DwarfTag.UnionType => "union",
            _ => "enum",
        };
        return $"{keyword} {die.Name ?? "<anonymous>"}";
    }

    /// <summary>The array dimensions: <c>[12]</c>, <c>[3][4]</c>, <c>[]</c> for an unknown bound.</summary>
    private static string Bounds(DwarfDie array)
    {
        var text = new StringBuilder();
        foreach (DwarfDie range in array.Children.Where(c => c.Tag == DwarfTag.SubrangeType))
        {
            ulong lower = range.Find(DwarfAttributeName.LowerBound) is { Kind: DwarfValueKind.Constant } low ? low.Value : 0;
            if (range.Find(DwarfAttributeName.Count) is { Kind: DwarfValueKind.Constant } count)
            {
                text.Append('[').Append(count.Value).Append(']');
            }
            else if (range.Find(DwarfAttributeName.UpperBound) is { Kind: DwarfValueKind.Constant } upper)
            {
                text.Append('[').Append(unchecked(upper.Value - lower + 1)).Append(']');
            }
            else
            {
                text.Append(range.Find(DwarfAttributeName.UpperBound) is null ? "[]" : "[variable]");
            }
        }

        return text.Length == 0 ? "[]" : text.ToString();
    }
}
