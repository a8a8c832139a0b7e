namespace Suture.Elf.Tests;

[Collection(ElfFixtureGroup.Name)]
public sealed class MalformedInputTests(ElfFixture fixture)
{
    private const int ShName = 0;
    private const int ShOffset = 24;
    private const int ShSize = 32;
    private const int ShLink = 40;
    private const int ShEntSize = 56;

    [Theory]
    [InlineData("empty", "file is empty")]
    [InlineData("truncated-header", "file is 40 bytes, too small for an ELF header (64 bytes)")]
    [InlineData("bad-magic", "not an ELF file (magic 0x7f454c47")]
    [InlineData("32-bit", "32-bit ELF (class 1 at offset 0x4) is not supported")]
    [InlineData("big-endian", "big-endian ELF (data encoding 2 at offset 0x5) is not supported")]
    [InlineData("wrong-machine", "machine 183 (e_machine at offset 0x12) is not supported")]
    [InlineData("section-table-past-end", "entries runs past the end of the")]
    [InlineData("shstrndx-out-of-range", "section name string table index 500 (e_shstrndx) is out of range")]
    [InlineData("symtab-entsize-zero", "symbol table .symtab (section")]
    [InlineData("symtab-huge-size", "(.symtab) at offset")]
    [InlineData("section-offset-overflow", "(.text.f) at offset 0xffffffffffffff00 with size")]
    [InlineData("huge-section-count", "section count 1099511627776 exceeds the limit of 65535")]
    [InlineData("huge-phnum", "program header count 65535 (e_phnum) exceeds the limit of 4096")]
    [InlineData("segment-past-end", "segment 0 (Phdr) at offset 0x40 with file size 0x10000000000 runs past the end")]
    [InlineData("name-offset-out-of-range", "section 1 has name offset 0xffffff, outside the")]
    [InlineData("string-unterminated", "that is not NUL-terminated")]
    [InlineData("symtab-link-bad", "links to string table section 9999, but the file has")]
    [InlineData("relocation-symbol-out-of-range", "refers to symbol 99999, but its symbol table has")]
    [InlineData("relocation-entsize", "relocation section .rela.text.f (section")]
    [InlineData("verneed-aux-past-end", "auxiliary entry 0 of version requirement 0 at offset 0x10000 of .gnu.version_r")]
    public void Malformed_input_throws_ElfFormatException(string corruption, string fragment)
    {
        byte[] data = Corrupt(corruption);

        var error = Assert.Throws<ElfFormatException>(() => ElfFile.Read(data, "bad.o"));

        Assert.StartsWith("bad.o: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.False(ElfFile.TryRead(data, "bad.o", out ElfFile? file, out string? message));
        Assert.Null(file);
        Assert.Equal(error.Message, message);
    }

    [Fact]
    public void A_section_table_past_the_end_has_the_full_message()
    {
        byte[] data = Corrupt("section-table-past-end");
        ulong offset = (ulong)data.Length - 64;

        var error = Assert.Throws<ElfFormatException>(() => ElfFile.Read(data, "foo.o"));

        int count = ElfFile.Read(File.ReadAllBytes(fixture.ObjectPath)).Sections.Count;
        Assert.Equal($"foo.o: section header table at offset 0x{offset:x} with {count} entries runs past the end of the {data.Length}-byte file", error.Message);
    }

    [Fact]
    public void Limits_are_applied()
    {
        byte[] data = File.ReadAllBytes(fixture.ObjectPath);

        var symbols = Assert.Throws<ElfFormatException>(() => ElfFile.Read(data, "x.o", new ElfReadLimits { MaxSymbols = 3 }));
        var strings = Assert.Throws<ElfFormatException>(() => ElfFile.Read(data, "x.o", new ElfReadLimits { MaxStringLength = 2 }));
        var sections = Assert.Throws<ElfFormatException>(() => ElfFile.Read(data, "x.o", new ElfReadLimits { MaxSections = 5 }));
        var relocations = Assert.Throws<ElfFormatException>(() => ElfFile.Read(data, "x.o", new ElfReadLimits { MaxRelocations = 2 }));
        var size = Assert.Throws<ElfFormatException>(() => ElfFile.Read(data, "x.o", new ElfReadLimits { MaxFileSize = 100 }));

        Assert.Contains("more than the limit of 3", symbols.Message, StringComparison.Ordinal);
        Assert.Contains("longer than the limit of 2 bytes", strings.Message, StringComparison.Ordinal);
        Assert.Contains("exceeds the limit of 5", sections.Message, StringComparison.Ordinal);
        Assert.Contains("more than the limit of 2", relocations.Message, StringComparison.Ordinal);
        Assert.Contains("larger than the limit of 100 bytes", size.Message, StringComparison.Ordinal);
    }

    private byte[] Corrupt(string corruption)
    {
        byte[] obj = File.ReadAllBytes(fixture.ObjectPath);
        ElfFile valid = ElfFile.Read(obj);
        switch (corruption)
        {
            case "empty":
                return [];
            case "truncated-header":
                return obj[..40];
            case "bad-magic":
                obj[3] = (byte)'G';
                break;
            case "32-bit":
                obj[4] = 1;
                break;
            case "big-endian":
                obj[5] = 2;
                break;
            case "wrong-machine":
                ElfPatch.U16(obj, 18, 183);
                break;
            case "section-table-past-end":
                ElfPatch.U64(obj, ElfPatch.ShOff, (ulong)obj.Length - 64);
                break;
            case "shstrndx-out-of-range":
                ElfPatch.U16(obj, ElfPatch.ShStrNdx, 500);
                break;
            case "symtab-entsize-zero":
                ElfPatch.Section(obj, valid.FindSection(".symtab")!, ShEntSize, 0);
                break;
            case "symtab-huge-size":
                ElfPatch.Section(obj, valid.FindSection(".symtab")!, ShSize, 0x7fff_ffff_ffff_fff0);
                break;
            case "section-offset-overflow":
                ElfPatch.Section(obj, valid.FindSection(".text.f")!, ShOffset, 0xffff_ffff_ffff_ff00);
                break;
            case "huge-section-count":
                ElfPatch.U16(obj, ElfPatch.ShNum, 0);
                ElfPatch.U64(obj, ElfPatch.SectionHeader(obj, 0) + ShSize, 1ul << 40);
                break;
            case "name-offset-out-of-range":
                ElfPatch.U32(obj, ElfPatch.SectionHeader(obj, 1) + ShName, 0xffffff);
                break;
            case "string-unterminated":
                ElfSection strtab = valid.FindSection(".strtab")!;
                obj[(int)(strtab.Offset + strtab.Size - 1)] = (byte)'x';
                break;
            case "symtab-link-bad":
                ElfPatch.U32(obj, ElfPatch.SectionHeader(obj, valid.FindSection(".symtab")!.Index) + ShLink, 9999);
                break;
            case "relocation-symbol-out-of-range":
                ElfPatch.U32(obj, (int)valid.FindSection(".rela.text.f")!.Offset + 12, 99999);
                break;
            case "relocation-entsize":
                ElfPatch.Section(obj, valid.FindSection(".rela.text.f")!, ShEntSize, 0);
                break;
            default:
                return CorruptExecutable(corruption);
        }

        return obj;
    }

    private byte[] CorruptExecutable(string corruption)
    {
        byte[] exe = File.ReadAllBytes(fixture.PiePath);
        ElfFile valid = ElfFile.Read(exe);
        switch (corruption)
        {
            case "huge-phnum":
                ElfPatch.U16(exe, ElfPatch.PhNum, 0xffff);
                break;
            case "segment-past-end":
                ElfPatch.U64(exe, ElfPatch.ProgramHeader(exe, 0) + 32, 1ul << 40);
                break;
            case "verneed-aux-past-end":
                ElfPatch.U32(exe, (int)valid.FindSection(".gnu.version_r")!.Offset + 8, 0x10000);
                break;
            default:
                throw new ArgumentException($"unknown corruption {corruption}", nameof(corruption));
        }

        return exe;
    }
}
