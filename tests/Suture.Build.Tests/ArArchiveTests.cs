using System.Text;
using Suture.Build.Workspace;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>Reading ar archives written by the real <c>ar</c> (plain, long names, thin) and rejecting malformed ones.</summary>
public sealed class ArArchiveTests : IDisposable
{
    private readonly TempDirectory _directory = new("suture-ar");

    public ArArchiveTests()
    {
        Gcc.Compile("int a_value(void) { return 1; }\n", _directory.File("a.o"), "-c");
        Gcc.Compile("int b_value(void) { return 2; }\n", _directory.File("a_member_name_longer_than_16.o"), "-c");
    }

    [Theory]
    [InlineData("rcs")]
    [InlineData("-rcs")]
    [InlineData("qc")]
    [InlineData("crsD")]
    public void Members_of_an_archive_are_its_object_files_with_their_bytes(string operation)
    {
        ArArchive archive = Archive(operation, "a.o", "a_member_name_longer_than_16.o");

        Assert.False(archive.IsThin);
        Assert.Equal(["a.o", "a_member_name_longer_than_16.o"], archive.Members.Select(m => m.Name));
        foreach (ArArchiveMember member in archive.Members)
        {
            Assert.Equal(File.ReadAllBytes(_directory.File(member.Name)), archive.Data(member).ToArray());
        }
    }

    [Fact]
    public void A_thin_archive_names_its_members_by_path()
    {
        ArArchive archive = Archive("crsT", "a.o", "a_member_name_longer_than_16.o");

        Assert.True(archive.IsThin);
        Assert.Equal(["a.o", "a_member_name_longer_than_16.o"], archive.Members.Select(m => m.Name));
        Assert.True(archive.Data(archive.Members[0]).IsEmpty);
    }

    [Fact]
    public void A_bsd_long_name_is_read_from_the_member_data()
    {
        byte[] data = Encoding.ASCII.GetBytes("!<arch>\n" + Header("#1/20", 24) + "a_bsd_long_name.o\0\0\0DATA");

        Assert.True(ArArchive.TryRead(data, "bsd.a", out ArArchive? archive, out string? error), error);
        ArArchiveMember member = Assert.Single(archive.Members);
        Assert.Equal("a_bsd_long_name.o", member.Name);
        Assert.Equal("DATA", Encoding.ASCII.GetString(archive.Data(member).Span));
    }

    [Theory]
    [InlineData("not an archive", "is not an ar archive")]
    [InlineData("!<arch>\nshort", "is truncated (5 of 60 bytes)")]
    [InlineData("!<arch>\n" + "a.o/            0           0     0     644     99        `\nxx", "past the end of the 70-byte archive")]
    [InlineData("!<arch>\n" + "a.o/            0           0     0     644     1x        `\nxx", "has size \"1x\", not a decimal number")]
    [InlineData("!<arch>\n" + "/7              0           0     0     644     2         `\nxx", "long-name table, which has 0 bytes")]
    [InlineData("!<arch>\n" + "a.o/            0           0     0     644     2         ~\nxx", "does not end with")]
    public void A_malformed_archive_is_reported_with_the_file_and_offset(string text, string expected)
    {
        Assert.False(ArArchive.TryRead(Encoding.ASCII.GetBytes(text), "bad.a", out _, out string? error));
        Assert.StartsWith("bad.a", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("libfoo.so", "libfoo")]
    [InlineData("libfoo.so.1", "libfoo")]
    [InlineData("libfoo.so.1.2.3", "libfoo")]
    [InlineData("libfoo.solver.so.2", "libfoo.solver")]
    [InlineData("libfoo.so.1a", null)]
    [InlineData("libfoo.so.", null)]
    [InlineData("foo", null)]
    public void A_library_name_is_its_part_before_so_and_a_version(string name, string? stem) =>
        Assert.Equal(stem, OutputMatch.LibraryStem(name));

    public void Dispose() => _directory.Dispose();

    private static string Header(string name, int size) =>
        name.PadRight(16) + "0".PadRight(12) + "0".PadRight(6) + "0".PadRight(6) + "644".PadRight(8) + size.ToString(System.Globalization.CultureInfo.InvariantCulture).PadRight(10) + "`\n";

    private ArArchive Archive(string operation, params string[] members)
    {
        string path = _directory.File("lib" + operation.Trim('-') + ".a");
        ToolResult ar = Tool.Run("ar", [operation, path, .. members], _directory.Path);
        Assert.True(ar.ExitCode == 0, ar.ToString());
        Assert.True(ArArchive.TryRead(File.ReadAllBytes(path), path, out ArArchive? archive, out string? error), error);
        return archive;
    }
}
