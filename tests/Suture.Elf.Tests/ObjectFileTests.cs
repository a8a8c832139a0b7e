namespace Suture.Elf.Tests;

[Collection(ElfFixtureGroup.Name)]
public sealed class ObjectFileTests(ElfFixture fixture)
{
    private readonly ElfFile _elf = ElfFile.Load(fixture.ObjectPath);

    [Fact]
    public void The_header_is_relocatable_x86_64()
    {
        Assert.Equal(ElfFileType.Relocatable, _elf.Type);
        Assert.Equal(62, _elf.Machine);
        Assert.Equal(fixture.ObjectPath, _elf.Name);
        Assert.Empty(_elf.Segments);
        Assert.Null(_elf.BuildId);
    }

    [Fact]
    public void Sections_match_readelf()
    {
        (int count, List<string> names) = Readelf.Sections(fixture.ObjectPath);

        Assert.Equal(count, _elf.Sections.Count);
        Assert.Equal(names, _elf.Sections.Skip(1).Select(s => s.Name));
        Assert.Equal(ElfSectionType.Null, _elf.Sections[0].Type);
        for (int i = 0; i < _elf.Sections.Count; i++)
        {
            Assert.Equal(i, _elf.Sections[i].Index);
        }
    }

    [Fact]
    public void FindSection_returns_the_text_of_f()
    {
        ElfSection? text = _elf.FindSection(".text.f");

        Assert.NotNull(text);
        Assert.Equal(ElfSectionType.ProgBits, text.Type);
        Assert.True(text.Flags.HasFlag(ElfSectionFlags.Alloc | ElfSectionFlags.ExecInstr));
        Assert.Equal((int)text.Size, text.Data.Length);
        Assert.Null(_elf.FindSection(".no-such-section"));

        ElfSection bss = _elf.FindSection(".bss.hidden_state")!;
        Assert.Equal(ElfSectionType.NoBits, bss.Type);
        Assert.Equal(4ul, bss.Size);
        Assert.True(bss.Data.IsEmpty);
    }

    [Fact]
    public void The_function_symbol_matches_readelf()
    {
        string line = Readelf.Run("-sW", fixture.ObjectPath).Split('\n').Single(l => l.EndsWith(" f", StringComparison.Ordinal));
        string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        ElfSymbol f = _elf.Symbols.Single(s => s.Name == "f");

        Assert.Equal(int.Parse(fields[0].TrimEnd(':')), f.Index);
        Assert.Equal(Convert.ToUInt64(fields[1], 16), f.Value);
        Assert.Equal(ulong.Parse(fields[2]), f.Size);
        Assert.Equal(ElfSymbolType.Func, f.Type);
        Assert.Equal(ElfSymbolBinding.Global, f.Binding);
        Assert.Equal(ushort.Parse(fields[6]), f.SectionIndex);
        Assert.Equal(".text.f", _elf.Sections[f.SectionIndex].Name);
        Assert.True(f.IsDefined);
        Assert.Null(f.Version);
        Assert.Empty(_elf.DynamicSymbols);
    }

    [Fact]
    public void Undefined_and_section_symbols_are_read()
    {
        ElfSymbol printf = _elf.Symbols.Single(s => s.Name == "printf");
        Assert.False(printf.IsDefined);
        Assert.Equal(0, _elf.Symbols[0].SectionIndex);

        ElfSymbol bss = _elf.Symbols.Single(s => s.Type == ElfSymbolType.Section && s.Name == ".bss.hidden_state");
        Assert.Equal(ElfSymbolBinding.Local, bss.Binding);
        Assert.Equal(".bss.hidden_state", _elf.Sections[bss.SectionIndex].Name);
    }

    [Fact]
    public void Relocations_of_text_f_match_readelf()
    {
        var expected = Readelf.Relocations(fixture.ObjectPath, ".rela.text.f");

        IReadOnlyList<ElfRelocation> actual = _elf.GetRelocations(_elf.FindSection(".text.f")!);

        Assert.Equal(expected, actual.Select(r => (r.Offset, X86_64RelocationType.Name(r.Type), r.Symbol!.Name, r.Addend)));
        Assert.Contains(actual, r => r.Type == X86_64RelocationType.Plt32 && r.Symbol!.Name == "printf");
        Assert.Contains(actual, r => r.Type == X86_64RelocationType.Pc32 && r.Symbol!.Name == "counter");
        Assert.Empty(_elf.GetRelocations(_elf.Sections[0]));
        Assert.Empty(_elf.DynamicRelocations);
    }

    [Fact]
    public void Relocations_of_other_functions_match_readelf()
    {
        foreach (string name in new[] { ".text.g", ".text.main" })
        {
            var expected = Readelf.Relocations(fixture.ObjectPath, ".rela" + name);
            var actual = _elf.GetRelocations(_elf.FindSection(name)!);
            Assert.Equal(expected, actual.Select(r => (r.Offset, X86_64RelocationType.Name(r.Type), r.Symbol!.Name, r.Addend)));
        }
    }
}
