namespace Suture.Elf.Tests;

[Collection(ElfFixtureGroup.Name)]
public sealed class ReadBuildIdTests(ElfFixture fixture)
{
    [Fact]
    public void ReadBuildId_matches_the_full_reader()
    {
        foreach (string path in new[] { fixture.PiePath, fixture.NoPiePath, fixture.SharedPath, "/lib/x86_64-linux-gnu/libc.so.6" })
        {
            byte[]? id = ElfFile.ReadBuildId(path);
            Assert.NotNull(id);
            Assert.Equal(ElfFile.Load(path).BuildIdHex, Convert.ToHexStringLower(id));
        }
    }

    [Fact]
    public void ReadBuildId_is_null_for_a_text_file_and_an_object_without_one()
    {
        Assert.Null(ElfFile.ReadBuildId(fixture.TextPath));
        Assert.Null(ElfFile.ReadBuildId(fixture.ObjectPath));
    }

    [Fact]
    public void ReadBuildId_of_a_missing_file_names_the_path()
    {
        string path = fixture.File("does-not-exist");

        var error = Assert.Throws<SutureException>(() => ElfFile.ReadBuildId(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_of_a_text_file_throws_a_format_error()
    {
        var error = Assert.Throws<ElfFormatException>(() => ElfFile.Load(fixture.TextPath));

        Assert.Contains(fixture.TextPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("not an ELF file", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.Failure, error.ExitCode);
    }

    [Fact]
    public void Load_of_a_missing_file_throws_with_the_path()
    {
        string path = fixture.File("missing.o");

        var error = Assert.Throws<SutureException>(() => ElfFile.Load(path));

        Assert.Equal($"{path}: no such file", error.Message);
    }
}
