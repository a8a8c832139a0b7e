namespace Suture.Elf.Dwarf;

/// <summary>One entry of an abbreviation table: the tag, whether entries have children, and the attribute layout.</summary>
internal sealed record DwarfAbbreviation(ulong Code, int Tag, bool HasChildren, DwarfAttributeSpec[] Attributes);
