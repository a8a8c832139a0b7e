using System.Buffers.Binary;

namespace Suture.Elf;

public sealed partial class ElfFile
{
    private const int RelaLength = 24;

    private readonly ElfRelocation[]?[] _relocationCache;
    private ElfRelocation[]? _dynamicRelocations;

    /// <summary>
    /// The entries of allocated SHT_RELA sections (.rela.dyn, .rela.plt of linked objects), with
    /// symbols from .dynsym.
    /// </summary>
    public IReadOnlyList<ElfRelocation> DynamicRelocations => _dynamicRelocations ??= CollectDynamicRelocations();

    /// <summary>
    /// The entries of every SHT_RELA section that applies to <paramref name="target"/> (whose
    /// sh_info is its index), with symbols from the linked symbol table.
    /// </summary>
    public IReadOnlyList<ElfRelocation> GetRelocations(ElfSection target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Index >= _sections.Length || _sections[target.Index] != target)
        {
            throw new ArgumentException($"section {target.Name} does not belong to {Name ?? "this ELF image"}", nameof(target));
        }

        var relocations = new List<ElfRelocation>();
        if (target.Index == 0)
        {
            return relocations;
        }

        foreach (ElfSection section in _sections)
        {
            if (section.Type == ElfSectionType.Rela && section.Info == (uint)target.Index)
            {
                relocations.AddRange(DecodeRelocations(section));
            }
        }

        return relocations;
    }

    private ElfRelocation[] CollectDynamicRelocations()
    {
        var relocations = new List<ElfRelocation>();
        foreach (ElfSection section in _sections)
        {
            if (section.Type == ElfSectionType.Rela && section.Flags.HasFlag(ElfSectionFlags.Alloc))
            {
                relocations.AddRange(DecodeRelocations(section));
            }
        }

        return [.. relocations];
    }

    /// <summary>Decodes one section that <see cref="ValidateRelocationSections"/> has accepted.</summary>
    private ElfRelocation[] DecodeRelocations(ElfSection section)
    {
        if (_relocationCache[section.Index] is { } cached)
        {
            return cached;
        }

        ElfSymbol[] symbols = section.Link == 0 ? [] : _symbolTables[(int)section.Link];
        ReadOnlySpan<byte> data = section.Data.Span;
        var relocations = new ElfRelocation[data.Length / RelaLength];
        for (int i = 0; i < relocations.Length; i++)
        {
            ReadOnlySpan<byte> entry = data[(i * RelaLength)..];
            ulong info = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
            int symbolIndex = (int)(info >> 32);
            relocations[i] = new ElfRelocation(
                BinaryPrimitives.ReadUInt64LittleEndian(entry),
                (uint)info,
                symbolIndex,
                symbolIndex == 0 ? null : symbols[symbolIndex],
                BinaryPrimitives.ReadInt64LittleEndian(entry[16..]));
        }

        _relocationCache[section.Index] = relocations;
        return relocations;
    }

    /// <summary>Checks every SHT_RELA section up front so decoding later cannot fail.</summary>
    private void ValidateRelocationSections()
    {
        foreach (ElfSection section in _sections)
        {
            if (section.Type == ElfSectionType.Rela)
            {
                ValidateRelocationSection(section);
            }
        }
    }

    private void ValidateRelocationSection(ElfSection section)
    {
        string what = $"relocation section {section.Name} (section {section.Index})";
        if (section.EntrySize != RelaLength)
        {
            throw _image.Error($"{what} has entry size {section.EntrySize}, expected {RelaLength}");
        }

        ReadOnlySpan<byte> data = section.Data.Span;
        if (data.Length % RelaLength != 0)
        {
            throw _image.Error($"{what} has size 0x{data.Length:x}, not a multiple of the entry size {RelaLength}");
        }

        int count = data.Length / RelaLength;
        if (count > _image.Limits.MaxRelocations)
        {
            throw _image.Error($"{what} has {count} entries, more than the limit of {_image.Limits.MaxRelocations}");
        }

        ElfSymbol[] symbols = [];
        if (section.Link != 0 && !_symbolTables.TryGetValue((int)Math.Min(section.Link, int.MaxValue), out symbols!))
        {
            throw _image.Error($"{what} links to section {section.Link}, which is not the file's symbol table");
        }

        for (int i = 0; i < count; i++)
        {
            ulong symbolIndex = BinaryPrimitives.ReadUInt64LittleEndian(data[(i * RelaLength + 8)..]) >> 32;
            if (symbolIndex != 0 && symbolIndex >= (ulong)symbols.Length)
            {
                throw _image.Error($"relocation {i} of {section.Name} at offset 0x{section.Offset + (ulong)(i * RelaLength):x} refers to symbol {symbolIndex}, but its symbol table has {symbols.Length} symbols");
            }
        }
    }
}
