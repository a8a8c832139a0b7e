using System.Buffers.Binary;

namespace Suture.Elf.Dwarf;

/// <summary>
/// One debug section's bytes with its relocations applied, as a linker would: in a relocatable
/// object, an offset into .debug_str, .debug_abbrev or another unit is stored as zero and carried
/// by an R_X86_64_32/64 relocation whose addend is the offset. The relocations stay available by
/// offset, because an address (DW_OP_addr, DW_FORM_addr) is only meaningful with its symbol.
/// </summary>
internal sealed class DwarfSection
{
    private readonly Dictionary<ulong, ElfRelocation> _relocations = [];

    private DwarfSection(ElfSection section, byte[] data)
    {
        Section = section;
        Data = data;
    }

    public ElfSection Section { get; }

    /// <summary>The relocated bytes.</summary>
    public byte[] Data { get; }

    public string Describe(string? file) => $"{file ?? "ELF image"}: {Section.Name} (section {Section.Index})";

    public static DwarfSection Load(ElfFile file, ElfSection section)
    {
        var result = new DwarfSection(section, section.Data.ToArray());
        foreach (ElfRelocation relocation in file.GetRelocations(section))
        {
            int width = relocation.Type switch
            {
                X86_64RelocationType.R64 => 8,
                X86_64RelocationType.R32 or X86_64RelocationType.R32S => 4,
                _ => 0, // e.g. R_X86_64_DTPOFF32 of a thread-local variable's location: kept, not applied
            };
            if (relocation.Offset > (ulong)result.Data.Length || (ulong)Math.Max(width, 1) > (ulong)result.Data.Length - relocation.Offset)
            {
                throw new DwarfFormatException($"{result.Describe(file.Name)}: relocation {relocation} is outside the {result.Data.Length}-byte section");
            }

            result._relocations[relocation.Offset] = relocation;
            ulong value = (ulong)relocation.Addend + (relocation.Symbol is { IsDefined: true } symbol ? symbol.Value : 0);
            Span<byte> field = result.Data.AsSpan((int)relocation.Offset);
            if (width == 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(field, value);
            }
            else if (width == 4)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)value);
            }
        }

        return result;
    }

    /// <summary>The relocation that applies at <paramref name="offset"/>, if any.</summary>
    public ElfRelocation? RelocationAt(ulong offset) => _relocations.GetValueOrDefault(offset);
}
