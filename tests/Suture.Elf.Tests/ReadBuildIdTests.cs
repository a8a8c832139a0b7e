namespace Suture.Elf.Tests;

[Collection(ElfFixtureGroup.Name)]
public sealed class ReadBuildIdTests(ElfFixture fixture)
{
    [Fact]
    public void ReadBuildId_MatchesFullReader()
    {
        foreach (string path in new[] { fixture.PiePath, fixture.NoPiePath, fixture.SharedPath, "/lib/x86_64-linux-gnu/libc.so.6" })
        {
            byte[]? id = ElfFile.ReadBuildId(path);
            Assert.NotNull(id);
            Assert.Equal(ElfFile.Load(path).BuildIdHex, Convert.ToHexStringLower(id));
        }
    }

    [Fact]
    public void ReadBuildId_NullForTextFileAndObjectWithoutId()
    {
        Assert.Null(ElfFile.ReadBuildId(fixture.TextPath));
        Assert.Null(ElfFile.ReadBuildId(fixture.ObjectPath));
    }

    [Fact]
    public void ReadBuildId_MissingFile_NamesPath()
    {
        string path = fixture.File("does-not-exist");

        var error = Assert.Throws<SutureException>(() => ElfFile.ReadBuildId(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TextFile_ThrowsFormatError()
    {
        var error = Assert.Throws<ElfFormatException>(() => ElfFile.Load(fixture.TextPath));

        Assert.Contains(fixture.TextPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("not an ELF file", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.Failure, error.ExitCode);
    }

    [Fact]
    public void Load_MissingFile_ThrowsWithPath()
    {
        string path = fixture.File("missing.o");

        var error = Assert.Throws<SutureException>(() => ElfFile.Load(path));

        Assert.Equal($"{path}: no such file", error.Message);
    }
}
