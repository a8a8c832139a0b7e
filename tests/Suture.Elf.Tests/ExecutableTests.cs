using System.Text.RegularExpressions;
using Suture.TestSupport;

namespace Suture.Elf.Tests;

[Collection(ElfFixtureGroup.Name)]
public sealed class ExecutableTests(ElfFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sections_segments_and_Build_ID_of_an_executable_match_readelf(bool pie)
    {
        string path = pie ? fixture.PiePath : fixture.NoPiePath;
        ElfFile elf = ElfFile.Load(path);
        (int count, List<string> names) = Readelf.Sections(path);

        Assert.Equal(pie ? ElfFileType.SharedObject : ElfFileType.Executable, elf.Type);
        Assert.Equal(count, elf.Sections.Count);
        Assert.Equal(names, elf.Sections.Skip(1).Select(s => s.Name));
        Assert.Equal(Readelf.BuildId(path), elf.BuildIdHex);
        Assert.Equal(20, elf.BuildId!.Length);
        Assert.Contains(elf.Segments, s => s.Type == ElfSegmentType.Load && s.Flags == (ElfSegmentFlags.R | ElfSegmentFlags.X));
        Assert.Contains(elf.Segments, s => s.Type == ElfSegmentType.GnuStack);
        Assert.Equal(pie ? 0ul : 0x400000ul, elf.LoadBase);
        Assert.Equal(elf.Symbols.Single(s => s.Name == "_start").Value, elf.Entry);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dynamic_symbol_printf_has_its_glibc_version(bool pie)
    {
        string path = pie ? fixture.PiePath : fixture.NoPiePath;
        ElfFile elf = ElfFile.Load(path);

        ElfSymbol printf = elf.DynamicSymbols.Single(s => s.Name == "printf");

        Assert.False(printf.IsDefined);
        Assert.Equal("GLIBC_2.2.5", printf.Version);
        Assert.Equal(Readelf.DynamicSymbolNames(path), elf.DynamicSymbols.Select(Format));
    }

    [Fact]
    public void Dynamic_relocations_name_their_symbols()
    {
        ElfFile elf = ElfFile.Load(fixture.PiePath);

        Assert.Contains(elf.DynamicRelocations, r => r.Type == X86_64RelocationType.JumpSlot && r.Symbol?.Name == "printf");
        Assert.Contains(elf.DynamicRelocations, r => r.Type == X86_64RelocationType.Relative && r.Symbol is null);
        ElfSection gotPlt = elf.FindSection(".got.plt") ?? elf.FindSection(".got")!;
        Assert.Equal(
            elf.DynamicRelocations.Count(r => r.Type == X86_64RelocationType.JumpSlot),
            elf.GetRelocations(gotPlt).Count(r => r.Type == X86_64RelocationType.JumpSlot));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TryReadAtAddress_matches_objdump(bool pie)
    {
        string path = pie ? fixture.PiePath : fixture.NoPiePath;
        ElfFile elf = ElfFile.Load(path);
        ElfSymbol f = elf.Symbols.Single(s => s.Name == "f");
        var bytes = new byte[f.Size];

        Assert.True(elf.TryReadAtAddress(f.Value, bytes));

        ElfSection text = elf.Sections[f.SectionIndex];
        Assert.Equal(text.Data.Span.Slice((int)(f.Value - text.Address), bytes.Length).ToArray(), bytes);
        Assert.Equal(Objdump(path, f.Value, f.Value + f.Size), bytes);
    }

    [Fact]
    public void TryReadAtAddress_rejects_bss_and_unmapped_addresses()
    {
        ElfFile elf = ElfFile.Load(fixture.NoPiePath);
        ElfSymbol hidden = elf.Symbols.Single(s => s.Name == "hidden_state");
        var buffer = new byte[4];

        Assert.Equal(ElfSectionType.NoBits, elf.Sections[hidden.SectionIndex].Type);
        Assert.False(elf.TryReadAtAddress(hidden.Value, buffer));
        Assert.False(elf.TryReadAtAddress(0xdead_beef_0000, buffer));
        Assert.False(elf.TryReadAtAddress(ulong.MaxValue - 1, buffer));
        Assert.True(elf.TryReadAtAddress(elf.Symbols.Single(s => s.Name == "counter").Value, buffer));
        Assert.Equal(3, BitConverter.ToInt32(buffer));
    }

    /// <summary>How readelf prints a dynamic symbol; it omits the version of version-definition symbols.</summary>
    internal static string Format(ElfSymbol symbol) => symbol.Version is null || (symbol.IsAbsolute && symbol.Name == symbol.Version)
        ? symbol.Name
        : symbol.Name + (symbol.IsDefined && symbol.IsDefaultVersion ? "@@" : "@") + symbol.Version;

    private static byte[] Objdump(string path, ulong start, ulong stop)
    {
        ToolResult result = Tool.Run("objdump", ["-d", $"--start-address=0x{start:x}", $"--stop-address=0x{stop:x}", path]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var bytes = new List<byte>();
        foreach (Match m in Regex.Matches(result.Stdout, @"^\s*[0-9a-f]+:\t([0-9a-f ]+)", RegexOptions.Multiline))
        {
            bytes.AddRange(m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b => Convert.ToByte(b, 16)));
        }

        return [.. bytes];
    }
}
