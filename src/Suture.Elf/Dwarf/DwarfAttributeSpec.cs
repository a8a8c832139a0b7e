namespace Suture.Elf.Dwarf;

/// <summary>One (attribute, form) pair of an abbreviation; DW_FORM_implicit_const carries its value here.</summary>
internal readonly record struct DwarfAttributeSpec(int Name, int Form, long ImplicitConst);
