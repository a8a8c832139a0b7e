namespace Suture.Elf.Dwarf;

/// <summary>One debugging information entry: its tag, attributes and children.</summary>
public sealed class DwarfDie
{
    private readonly DwarfAttributeValue[] _attributes;
    private readonly List<DwarfDie> _children = [];

    internal DwarfDie(DwarfDieId id, int tag, DwarfUnit unit, DwarfDie? parent, DwarfAttributeValue[] attributes)
    {
        Id = id;
        Tag = tag;
        Unit = unit;
        Parent = parent;
        _attributes = attributes;
    }

    public DwarfDieId Id { get; }

    /// <summary>DW_TAG_*; see <see cref="DwarfTag"/>.</summary>
    public int Tag { get; }

    public DwarfUnit Unit { get; }

    /// <summary>The enclosing entry; null for a unit's root.</summary>
    public DwarfDie? Parent { get; }

    public IReadOnlyList<DwarfAttributeValue> Attributes => _attributes;

    public IReadOnlyList<DwarfDie> Children => _children;

    /// <summary>DW_AT_name, when it is a string.</summary>
    public string? Name => Find(DwarfAttributeName.Name)?.Text;

    /// <summary>The attribute called <paramref name="name"/> (DW_AT_*), or null.</summary>
    public DwarfAttributeValue? Find(int name)
    {
        foreach (DwarfAttributeValue attribute in _attributes)
        {
            if (attribute.Name == name)
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>True when the flag attribute <paramref name="name"/> is present and set.</summary>
    public bool Has(int name) => Find(name) is { Kind: DwarfValueKind.Flag, Value: not 0 };

    public override string ToString() => $"{Id} tag 0x{Tag:x}{(Name is { } n ? " " + n : "")}";

    internal void AddChild(DwarfDie child) => _children.Add(child);

    internal void ReplaceAttribute(int index, DwarfAttributeValue attribute) => _attributes[index] = attribute;
}
