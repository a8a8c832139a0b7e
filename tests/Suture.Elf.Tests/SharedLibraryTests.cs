namespace Suture.Elf.Tests;

[Collection(ElfFixtureGroup.Name)]
public sealed class SharedLibraryTests(ElfFixture fixture)
{
    private const string LibcPath = "/lib/x86_64-linux-gnu/libc.so.6";

    [Fact]
    public void Libc_memcpy_has_default_and_hidden_versions()
    {
        ElfFile libc = ElfFile.Load(LibcPath);

        var memcpy = libc.DynamicSymbols.Where(s => s.Name == "memcpy").ToList();

        ElfSymbol current = Assert.Single(memcpy, s => s.Version == "GLIBC_2.14");
        Assert.True(current.IsDefaultVersion);
        Assert.True(current.IsDefined);
        ElfSymbol old = Assert.Single(memcpy, s => s.Version == "GLIBC_2.2.5");
        Assert.False(old.IsDefaultVersion);
        Assert.Equal("memcpy@GLIBC_2.2.5", old.ToString());
    }

    [Fact]
    public void All_dynamic_symbol_versions_of_libc_match_readelf()
    {
        ElfFile libc = ElfFile.Load(LibcPath);

        Assert.Equal(Readelf.DynamicSymbolNames(LibcPath), libc.DynamicSymbols.Select(ExecutableTests.Format));
        Assert.Equal(Readelf.BuildId(LibcPath), libc.BuildIdHex);
        Assert.Equal(ElfFileType.SharedObject, libc.Type);
        Assert.NotEmpty(libc.DynamicRelocations);
    }

    [Fact]
    public void A_shared_object_exports_its_functions_and_Build_ID()
    {
        ElfFile so = ElfFile.Load(fixture.SharedPath);

        ElfSymbol f = so.DynamicSymbols.Single(s => s.Name == "f");
        Assert.Equal(ElfSymbolType.Func, f.Type);
        Assert.True(f.IsDefined);
        Assert.Null(f.Version);
        Assert.Equal(0ul, so.LoadBase);
        Assert.Equal(Readelf.BuildId(fixture.SharedPath), so.BuildIdHex);
        Assert.Equal(Readelf.DynamicSymbolNames(fixture.SharedPath), so.DynamicSymbols.Select(ExecutableTests.Format));
    }
}
