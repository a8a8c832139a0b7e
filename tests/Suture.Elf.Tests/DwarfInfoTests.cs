using Suture.Elf.Dwarf;

namespace Suture.Elf.Tests;

[Collection(DwarfFixtureGroup.Name)]
public sealed class DwarfInfoTests(DwarfFixture fixture)
{
    public static TheoryData<string> Variants => [.. DwarfFixture.Variants.Keys];

    public static TheoryData<string> CVariants => [.. DwarfFixture.Variants.Keys.Where(v => v.StartsWith("c-", StringComparison.Ordinal) && v != "c-split")];

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_entry_and_name_matches_readelf(string variant)
    {
        string path = fixture.Objects[variant];
        ElfFile file = ElfFile.Load(path);

        DwarfInfo info = DwarfInfo.Read(file);

        List<List<string>> expected = DwarfDump.Entries(path);
        List<List<string>> actual = info.Entries()
            .GroupBy(e => e.Id.SectionIndex)
            .OrderBy(g => g.Key)
            .Select(g => g.Select(Describe).ToList())
            .ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Theory]
    [MemberData(nameof(CVariants))]
    public void A_variable_location_is_relocated_against_its_symbol_or_section(string variant)
    {
        ElfFile file = ElfFile.Load(fixture.Objects[variant]);
        DwarfInfo info = DwarfInfo.Read(file);

        foreach (string name in new[] { "counter", "ratio", "table", "fixed", "cursor", "total", "choice", "paint", "matrix", "handler", "calls" })
        {
            DwarfDie variable = Assert.Single(info.Entries(), e => e.Tag == DwarfTag.Variable && NameOf(info, e) == name && e.Find(DwarfAttributeName.Location) is not null);
            DwarfAttributeValue location = variable.Find(DwarfAttributeName.Location)!;
            Assert.Equal(DwarfValueKind.Block, location.Kind);
            Assert.Equal(0x03, location.Block.Span[0]); // DW_OP_addr

            ElfRelocation? relocation = info.RelocationAt(variable.Id.SectionIndex, location.ValueOffset + 1);

            Assert.NotNull(relocation?.Symbol);
            Assert.Contains("." + name, file.Sections[relocation.Symbol.SectionIndex].Name, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(CVariants))]
    public void Types_are_decoded_with_sizes_members_bit_fields_and_bounds(string variant)
    {
        DwarfInfo info = DwarfInfo.Read(ElfFile.Load(fixture.Objects[variant]));

        DwarfDie counter = TypeOf(info, "counter");
        Assert.Equal((DwarfTag.BaseType, "int", 4ul, 5ul), (counter.Tag, counter.Name, counter.Find(DwarfAttributeName.ByteSize)!.Value, counter.Find(DwarfAttributeName.Encoding)!.Value));

        DwarfDie rec = info.Resolve(TypeOf(info, "cursor").Find(DwarfAttributeName.Type))!;
        Assert.Equal((DwarfTag.StructureType, "rec", 20ul), (rec.Tag, rec.Name, rec.Find(DwarfAttributeName.ByteSize)!.Value));
        Assert.Equal(["name", "len", "flag", "mode"], rec.Children.Select(m => m.Name));
        Assert.Equal(3ul, rec.Children[2].Find(DwarfAttributeName.BitSize)!.Value);
        DwarfAttributeValue len = rec.Children[1].Find(DwarfAttributeName.DataMemberLocation)!;
        // DWARF 2 without extensions writes DW_OP_plus_uconst 12 as a block; later versions a constant.
        Assert.True(len.Kind == DwarfValueKind.Constant ? len.Value == 12 : len.Block.Span.SequenceEqual(new byte[] { 0x23, 12 }), $"{len}");

        DwarfDie matrix = TypeOf(info, "matrix");
        Assert.Equal(DwarfTag.ArrayType, matrix.Tag);
        Assert.Equal([2ul, 3ul], matrix.Children.Select(r => r.Find(DwarfAttributeName.UpperBound)!.Value));

        DwarfDie fixedType = TypeOf(info, "fixed");
        Assert.Contains(fixedType.Tag, new[] { DwarfTag.ConstType, DwarfTag.VolatileType });
    }

    [Theory]
    [InlineData("cpp-types")]
    [InlineData("cpp-types4")]
    public void A_type_in_a_type_unit_is_found_by_its_signature(string variant)
    {
        DwarfInfo info = DwarfInfo.Read(ElfFile.Load(fixture.Objects[variant]));

        DwarfDie stub = TypeOf(info, "thing");
        Assert.True(stub.Has(DwarfAttributeName.Declaration));
        DwarfAttributeValue signature = stub.Find(DwarfAttributeName.Signature)!;
        Assert.Equal(DwarfValueKind.TypeSignature, signature.Kind);

        DwarfDie type = info.Resolve(signature)!;

        Assert.Equal(("Derived", DwarfUnitKind.Type, false), (type.Name, type.Unit.Kind, type.Has(DwarfAttributeName.Declaration)));
        Assert.Contains(type.Children, c => c.Tag == DwarfTag.Inheritance);
        Assert.Equal(["_vptr.Base", "x"], info.Resolve(info.Resolve(type.Children.First(c => c.Tag == DwarfTag.Inheritance).Find(DwarfAttributeName.Type))!.Find(DwarfAttributeName.Signature))!
            .Children.Where(c => c.Tag == DwarfTag.Member).Select(c => c.Name));
    }

    [Fact]
    public void A_static_data_member_definition_takes_its_name_and_type_from_its_declaration()
    {
        DwarfInfo info = DwarfInfo.Read(ElfFile.Load(fixture.Objects["cpp"]));

        DwarfDie definition = Assert.Single(info.Entries(), e => e.Tag == DwarfTag.Variable && e.Name is null && NameOf(info, e) == "shared");
        DwarfDie declaration = info.Resolve(definition.Find(DwarfAttributeName.Specification))!;

        Assert.Equal(DwarfTag.StructureType, declaration.Parent?.Tag);
        Assert.Equal("int", info.Resolve(declaration.Find(DwarfAttributeName.Type))!.Name);
        Assert.NotNull(definition.Find(DwarfAttributeName.Location));
    }

    [Fact]
    public void Units_report_their_version_and_format()
    {
        DwarfUnit Unit(string variant) => Assert.Single(DwarfInfo.Read(ElfFile.Load(fixture.Objects[variant])).Units);

        Assert.Equal((5, DwarfUnitKind.Compile, 4), (Unit("c-O2").Version, Unit("c-O2").Kind, Unit("c-O2").OffsetSize));
        Assert.Equal(4, Unit("c-dwarf4").Version);
        Assert.Equal(2, Unit("c-dwarf2").Version);
        Assert.Equal(8, Unit("c-dwarf64").OffsetSize);
        Assert.Equal(DwarfUnitKind.Skeleton, Unit("c-split").Kind);
    }

    [Fact]
    public void A_linked_executable_is_read_without_relocations()
    {
        DwarfInfo info = DwarfInfo.Read(ElfFile.Load(fixture.ExecutablePath));

        Assert.Equal("int", TypeOf(info, "counter").Name);
    }

    [Fact]
    public void An_object_without_debug_information_is_empty()
    {
        DwarfInfo info = DwarfInfo.Read(ElfFile.Load(fixture.NoDebugPath));

        Assert.True(info.IsEmpty);
        Assert.Empty(info.Entries());
    }

    private static string Describe(DwarfDie die)
    {
        int depth = 0;
        for (DwarfDie? parent = die.Parent; parent is not null; parent = parent.Parent)
        {
            depth++;
        }

        return $"{depth} {die.Id.Offset:x}" + (die.Name is { } name ? " " + name : "");
    }

    private static string? NameOf(DwarfInfo info, DwarfDie die) =>
        die.Name ?? info.Resolve(die.Find(DwarfAttributeName.Specification))?.Name;

    /// <summary>The type entry of the variable with a location called <paramref name="name"/>.</summary>
    private static DwarfDie TypeOf(DwarfInfo info, string name)
    {
        DwarfDie variable = info.Entries().First(e => e.Tag == DwarfTag.Variable && NameOf(info, e) == name && e.Find(DwarfAttributeName.Location) is not null);
        DwarfAttributeValue? type = variable.Find(DwarfAttributeName.Type) ?? info.Resolve(variable.Find(DwarfAttributeName.Specification))?.Find(DwarfAttributeName.Type);
        return info.Resolve(type)!;
    }
}
