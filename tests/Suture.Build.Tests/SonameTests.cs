using Suture.Elf;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary><see cref="ElfFile.Soname"/> of libraries linked with and without <c>-Wl,-soname</c>.</summary>
public sealed class SonameTests : IDisposable
{
    private readonly TempDirectory _directory = new("suture-soname");

    [Fact]
    public void A_library_linked_with_a_soname_reports_it()
    {
        string library = Gcc.Compile("int soname_value(void) { return 41; }\n", _directory.File("libx.so"), "-shared", "-fPIC", "-Wl,-soname,libx.so.7");

        Assert.Equal("libx.so.7", ElfFile.Load(library).Soname);
    }

    [Fact]
    public void A_library_or_executable_without_one_reports_none()
    {
        string library = Gcc.Compile("int soname_value(void) { return 42; }\n", _directory.File("liby.so"), "-shared", "-fPIC");
        string program = Gcc.Compile("int main(void) { return 0; }\n", _directory.File("prog"));

        Assert.Null(ElfFile.Load(library).Soname);
        Assert.Null(ElfFile.Load(program).Soname);
    }

    public void Dispose() => _directory.Dispose();
}
