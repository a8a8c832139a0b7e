namespace Suture.Elf.Tests;

[Collection(ElfFixtureGroup.Name)]
public sealed class SharedLibraryTests(ElfFixture fixture)
{
    private const string LibcPath = "/lib/x86_64-linux-gnu/libc.so.6";

    [Fact]
    public void Libc_MemcpyHasDefaultAndHiddenVersions()
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
    public void Libc_AllDynamicSymbolVersions_MatchReadelf()
    {
        ElfFile libc = ElfFile.Load(LibcPath);

        Assert.Equal(Readelf.DynamicSymbolNames(LibcPath), libc.DynamicSymbols.Select(ExecutableTests.Format));
        Assert.Equal(Readelf.BuildId(LibcPath), libc.BuildIdHex);
        Assert.Equal(ElfFileType.SharedObject, libc.Type);
        Assert.NotEmpty(libc.DynamicRelocations);
    }

    [Fact]
    public void SharedObject_ExportsFunctionsAndBuildId()
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
