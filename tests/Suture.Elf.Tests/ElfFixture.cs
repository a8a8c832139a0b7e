using Suture.TestSupport;

namespace Suture.Elf.Tests;

/// <summary>One small C program compiled the four ways the reader must handle, shared by the tests.</summary>
public sealed class ElfFixture : IDisposable
{
    public const string Source = """
        #include <stdio.h>
        int counter = 3;
        static int hidden_state;
        int f(int x) { counter += x; hidden_state++; return printf("%d\n", counter) + hidden_state; }
        int g(void) { return f(2) * 2; }
        int main(void) { return g() == 12345; }
        """;

    private readonly TempDirectory _directory = new("suture-elf");

    public ElfFixture()
    {
        ObjectPath = Gcc.Compile(Source, _directory.File("prog.o"), "-c", "-O0", "-ffunction-sections", "-fdata-sections");
        PiePath = Gcc.Compile(Source, _directory.File("prog-pie"), "-O0", "-fPIE", "-pie", "-Wl,--build-id");
        NoPiePath = Gcc.Compile(Source, _directory.File("prog-nopie"), "-O0", "-fno-pie", "-no-pie", "-Wl,--build-id");
        SharedPath = Gcc.Compile(Source, _directory.File("libprog.so"), "-O0", "-fPIC", "-shared", "-Wl,--build-id");
        TextPath = _directory.Write("notes.txt", "this is not an ELF file\n");
    }

    public string ObjectPath { get; }

    public string PiePath { get; }

    public string NoPiePath { get; }

    public string SharedPath { get; }

    public string TextPath { get; }

    public string File(string name) => _directory.File(name);

    public void Dispose() => _directory.Dispose();
}
