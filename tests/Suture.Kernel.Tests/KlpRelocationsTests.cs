using Suture.Elf;
using Suture.Kernel.Building;
using Suture.Kernel.ModuleElf;
using Suture.TestSupport;

namespace Suture.Kernel.Tests;

/// <summary>
/// The livepatch relocation rewrite on gcc's output: a reference to an unexported symbol, named
/// <c>.klp.sym.vmlinux.NAME,POS</c> as the generated code names it, becomes an SHN_LIVEPATCH
/// symbol used only by a <c>.klp.rela.vmlinux.SEC</c> section, and binutils still reads the file.
/// </summary>
public sealed class KlpRelocationsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("suture-klp-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string Source = """
        extern const char banner[] __asm__("klp_banner");
        extern int printk(const char *, ...);
        int show(void) { return printk(banner) + printk("%s", banner); }
        """;

    [Fact]
    public void Unexported_references_become_livepatch_relocations_and_others_stay()
    {
        string path = Gcc.Compile(Source, Path.Combine(_directory, "code.o"), "-c", "-O2", "-fno-pic", "-mcmodel=kernel", "-fno-asynchronous-unwind-tables");
        // The assembler cannot spell the comma of the name; the generated code object writes it directly.
        Assert.Equal(0, Tool.Run("objcopy", ["--redefine-sym", "klp_banner=.klp.sym.vmlinux.linux_proc_banner,0", path]).ExitCode);

        (byte[] module, int converted) = KlpRelocations.Convert(File.ReadAllBytes(path), path);

        Assert.Equal(2, converted);
        ElfFile rewritten = ElfFile.Read(module, "rewritten");
        ElfSymbol klp = Assert.Single(rewritten.Symbols, s => s.Name == ".klp.sym.vmlinux.linux_proc_banner,0");
        Assert.Equal(0xff20, klp.SectionIndex);
        ElfSection text = rewritten.FindSection(".text")!;
        ElfSection livepatch = Assert.Single(rewritten.Sections, s => s.Name == ".klp.rela.vmlinux..text");
        Assert.Equal(ElfSectionType.Rela, livepatch.Type);
        Assert.NotEqual(0UL, (ulong)livepatch.Flags & 0x00100000);
        Assert.Equal((uint)text.Index, livepatch.Info);
        // GetRelocations reads every RELA section for .text, the livepatch one too: the two references
        // are there once each (left in .rela.text as well, they would count four times).
        Assert.Equal(2, rewritten.GetRelocations(text).Count(r => r.Symbol?.Name == klp.Name));
        Assert.Contains(rewritten.GetRelocations(text), r => r.Symbol?.Name == "printk");
        Assert.Equal(File.ReadAllBytes(path).AsSpan(checked((int)ElfFile.Load(path).FindSection(".text")!.Offset), (int)text.Size).ToArray(), text.Data.ToArray());

        string rewrittenPath = Path.Combine(_directory, "rewritten.o");
        File.WriteAllBytes(rewrittenPath, module);
        ToolResult readelf = Tool.Run("readelf", ["-W", "-r", "-s", rewrittenPath]);
        Assert.Equal(0, readelf.ExitCode);
        Assert.Contains("Relocation section '.klp.rela.vmlinux..text'", readelf.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", readelf.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_livepatch_symbol_is_refused()
    {
        string path = Gcc.Compile("extern int x __asm__(\".klp.sym.foo\"); int f(void) { return x; }", Path.Combine(_directory, "bad.o"), "-c", "-O2", "-fno-pic");

        var error = Assert.Throws<SutureException>(() => KlpRelocations.Convert(File.ReadAllBytes(path), path));

        Assert.Contains(".klp.sym.vmlinux.NAME,POS", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.BuildFailed, error.ExitCode);
    }

    [Theory]
    [InlineData("fix.ko", "fix")]
    [InlineData("/tmp/cve-2026-1.ko", "cve_2026_1")]
    public void The_module_name_is_the_file_name(string output, string name) => Assert.Equal(name, KernelPatchBuilder.ModuleName(output));

    [Theory]
    [InlineData("fix.o")]
    [InlineData("1fix.ko")]
    [InlineData("fix me.ko")]
    public void A_bad_module_file_name_is_refused(string output) =>
        Assert.Equal(ExitCode.Usage, Assert.Throws<SutureException>(() => KernelPatchBuilder.ModuleName(output)).ExitCode);
}
