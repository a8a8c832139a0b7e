using Suture.Elf.Dwarf;

namespace Suture.Elf.Tests;

/// <summary>Malformed or hostile debug information only ever raises <see cref="DwarfFormatException"/>, with a message that says where and what.</summary>
[Collection(DwarfFixtureGroup.Name)]
public sealed class DwarfMalformedTests(DwarfFixture fixture)
{
    private const int ShSize = 32;
    private const int RelaLength = 24;

    [Theory]
    [InlineData("version", "has DWARF version 9; versions 2 to 5 are supported")]
    [InlineData("unit-length", "has length 0x7fff0000, past the end of the")]
    [InlineData("reserved-length", "has the reserved length 0xfffffff5")]
    [InlineData("unit-type", "has unit type 9, not a DW_UT value")]
    [InlineData("address-size", "has address size 3, expected 8 (or 4)")]
    [InlineData("abbreviation-code", "uses abbreviation code 126, which its unit's abbreviation table does not define")]
    [InlineData("unknown-form", "uses form 0x7f, which this reader does not decode")]
    [InlineData("abbreviation-offset", "abbreviation table offset 0x1000000 is outside the")]
    [InlineData("string-offset", "string offset 0x1000000 is outside the")]
    [InlineData("relocation-outside", "is outside the")]
    [InlineData("reference-outside", "refers to unit offset 0x7fffffff, outside its unit at 0x0")]
    [InlineData("abbreviations-truncated", ".debug_abbrev (section")]
    [InlineData("string-unterminated", "string is not NUL-terminated")]
    [InlineData("leb128", "abbreviation code is a LEB128 value longer than 10 bytes")]
    public void Malformed_debug_information_throws_DwarfFormatException(string corruption, string fragment)
    {
        ElfFile file = ElfFile.Read(Corrupt(corruption), "bad.o");

        var error = Assert.Throws<DwarfFormatException>(() => DwarfInfo.Read(file));

        Assert.StartsWith("bad.o: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.False(DwarfInfo.TryRead(file, out DwarfInfo? info, out string? message));
        Assert.Null(info);
        Assert.Equal(error.Message, message);
    }

    [Theory]
    [InlineData("depth", "entries are nested deeper than the limit of 1")]
    [InlineData("entries", "more than the limit of 3 entries")]
    [InlineData("block", "more than the limit of 4 bytes")]
    [InlineData("strings", "longer than the limit of 2 bytes")]
    [InlineData("units", "more than the limit of 2 units")]
    public void Limits_are_applied(string limit, string fragment)
    {
        DwarfReadLimits limits = limit switch
        {
            "depth" => new DwarfReadLimits { MaxDepth = 1 },
            "entries" => new DwarfReadLimits { MaxEntries = 3 },
            "block" => new DwarfReadLimits { MaxBlockLength = 4 },
            "strings" => new DwarfReadLimits { MaxStringLength = 2 },
            _ => new DwarfReadLimits { MaxUnits = 2 },
        };
        ElfFile file = ElfFile.Load(fixture.Objects[limit == "units" ? "cpp-types" : "c-O2"]);

        var error = Assert.Throws<DwarfFormatException>(() => DwarfInfo.Read(file, limits));

        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("c-O2")]
    [InlineData("c-dwarf4")]
    [InlineData("cpp-types")]
    public void Random_corruption_of_the_debug_sections_only_throws_DwarfFormatException(string variant)
    {
        byte[] original = File.ReadAllBytes(fixture.Objects[variant]);
        ElfFile valid = ElfFile.Read(original);
        ElfSection[] targets = valid.Sections.Where(s => s.Name is ".debug_info" or ".debug_types" or ".debug_abbrev" or ".debug_str" or ".rela.debug_info").ToArray();
        var random = new Random(4242);
        for (int iteration = 0; iteration < 3000; iteration++)
        {
            byte[] data = (byte[])original.Clone();
            for (int edits = random.Next(1, 6); edits > 0; edits--)
            {
                ElfSection section = targets[random.Next(targets.Length)];
                int position = (int)section.Offset + random.Next((int)section.Size);
                data[position] = random.Next(3) switch { 0 => 0xff, 1 => 0, _ => (byte)random.Next(256) };
            }

            Exercise(data);
        }
    }

    [Fact]
    public void Every_truncation_of_debug_info_only_throws_DwarfFormatException()
    {
        byte[] original = File.ReadAllBytes(fixture.Objects["c-O2"]);
        ElfSection info = ElfFile.Read(original).FindSection(".debug_info")!;
        for (ulong size = 0; size < info.Size; size++)
        {
            byte[] data = (byte[])original.Clone();
            ElfPatch.Section(data, info, ShSize, size);
            Exercise(data);
        }
    }

    private static void Exercise(byte[] data)
    {
        if (!ElfFile.TryRead(data, "fuzz", out ElfFile? file, out _))
        {
            return;
        }

        try
        {
            DwarfInfo info = DwarfInfo.Read(file);
            foreach (DwarfDie die in info.Entries())
            {
                foreach (DwarfAttributeValue attribute in die.Attributes)
                {
                    _ = info.Resolve(attribute)?.Name;
                    _ = info.RelocationAt(die.Id.SectionIndex, attribute.ValueOffset);
                }
            }
        }
        catch (DwarfFormatException)
        {
        }
    }

    private byte[] Corrupt(string corruption)
    {
        byte[] obj = File.ReadAllBytes(fixture.Objects["c-O2"]);
        ElfFile valid = ElfFile.Read(obj);
        ElfSection info = valid.FindSection(".debug_info")!;
        ElfSection abbrev = valid.FindSection(".debug_abbrev")!;
        ElfSection rela = valid.FindSection(".rela.debug_info")!;
        int at = (int)info.Offset;
        switch (corruption)
        {
            case "version":
                ElfPatch.U16(obj, at + 4, 9);
                break;
            case "unit-length":
                ElfPatch.U32(obj, at, 0x7fff_0000);
                break;
            case "reserved-length":
                ElfPatch.U32(obj, at, 0xffff_fff5);
                break;
            case "unit-type":
                obj[at + 6] = 9;
                break;
            case "address-size":
                obj[at + 7] = 3;
                break;
            case "abbreviation-code":
                obj[at + 12] = 0x7e; // the root entry's code, after the 12-byte DWARF 5 header
                break;
            case "unknown-form":
                obj[FirstFormOffset(obj, (int)abbrev.Offset)] = 0x7f;
                break;
            case "abbreviation-offset":
                ElfPatch.U64(obj, RelocationEntry(valid, rela, ".debug_abbrev") + 16, 0x100_0000);
                break;
            case "string-offset":
                ElfPatch.U64(obj, RelocationEntry(valid, rela, ".debug_str") + 16, 0x100_0000);
                break;
            case "relocation-outside":
                ElfPatch.U64(obj, (int)rela.Offset, 0xff_ffff);
                break;
            case "reference-outside":
                DwarfAttributeValue reference = DwarfInfo.Read(valid).Entries().SelectMany(e => e.Attributes).First(a => a.Form == DwarfForm.Ref4);
                ElfPatch.U32(obj, at + (int)reference.ValueOffset, 0x7fff_ffff);
                break;
            case "abbreviations-truncated":
                ElfPatch.Section(obj, abbrev, ShSize, 3);
                break;
            case "string-unterminated":
                ElfSection strings = valid.FindSection(".debug_str")!;
                Array.Fill(obj, (byte)'x', (int)strings.Offset, (int)strings.Size);
                break;
            case "leb128":
                Array.Fill(obj, (byte)0x80, (int)abbrev.Offset, 11);
                break;
            default:
                throw new ArgumentException($"unknown corruption {corruption}", nameof(corruption));
        }

        return obj;
    }

    /// <summary>File offset of the .rela.debug_info entry whose symbol is the section <paramref name="target"/>.</summary>
    private static int RelocationEntry(ElfFile file, ElfSection rela, string target)
    {
        int index = file.GetRelocations(file.FindSection(".debug_info")!).ToList().FindIndex(r => r.Symbol?.Name == target);
        Assert.True(index >= 0, $"no relocation against {target}");
        return (int)rela.Offset + (index * RelaLength);
    }

    /// <summary>File offset of the form of the first attribute of the first abbreviation (all one-byte LEB128 values there).</summary>
    private static int FirstFormOffset(byte[] data, int abbreviations)
    {
        int position = abbreviations;
        position = SkipLeb(data, position); // code
        position = SkipLeb(data, position); // tag
        position++; // children
        position = SkipLeb(data, position); // first attribute name
        Assert.True(data[position] < 0x80, $"form 0x{data[position]:x} is not one byte");
        return position;
    }

    private static int SkipLeb(byte[] data, int position)
    {
        while ((data[position] & 0x80) != 0)
        {
            position++;
        }

        return position + 1;
    }
}
