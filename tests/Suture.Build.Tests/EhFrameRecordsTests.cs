using Suture.Build.Assembly;
using Suture.Elf;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// The build frames an object's <c>.eh_frame</c> with the same reader as the unwinder: gcc's
/// records, records with a 64-bit extended length (which it used to refuse), and malformed ones.
/// </summary>
public sealed class EhFrameRecordsTests : IDisposable
{
    // A CIE and an FDE for f, both with the 0xffffffff escape and a 64-bit length; the CIE id and
    // the CIE pointer stay 4 bytes (LSB 5.0).
    private const string ExtendedLengths = """
                .text
                .globl f
                .type f, @function
        f:      ret
                .size f, .-f
                .section .eh_frame,"a",@unwind
        cie:    .long 0xffffffff
                .quad cie_end - cie_start
        cie_start:
                .long 0
                .byte 1
                .string "zR"
                .uleb128 1
                .sleb128 -8
                .byte 16
                .uleb128 1
                .byte 0x1b
                .byte 0x0c, 7, 8, 0x90, 1
                .balign 4
        cie_end:
        fde:    .long 0xffffffff
                .quad fde_end - fde_start
        fde_start:
                .long fde_start - cie
                .long f - .
                .long 1
                .uleb128 0
                .balign 4
        fde_end:
        """;

    private readonly TempDirectory _directory = new("suture-ehframe");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Records_of_gcc_output_name_their_cie_and_code_section()
    {
        string path = Gcc.Compile("int f(int x) { return x + 1; }\nint g(void) { return f(2); }\n", _directory.File("two.o"), "-c", "-O0", "-ffunction-sections");
        ElfFile file = ElfFile.Load(path);

        EhFrameRecords frames = EhFrameRecords.Read(file, "two.o");

        Assert.Equal(3, frames.Records.Count);
        EhFrameRecord cie = frames.Records[0];
        Assert.True(cie.IsCie);
        Assert.Equal([".text.f", ".text.g"], frames.Records.Skip(1).Select(r => r.Code?.Name));
        Assert.All(frames.Records.Skip(1), r => Assert.Equal((cie.Start, 4), (r.CieStart, r.HeaderLength)));
        Assert.Equal(frames.Section!.Data.Length, frames.Records[^1].Start + frames.Records[^1].Length);
    }

    [Fact]
    public void Records_with_a_64_bit_length_are_framed()
    {
        string source = _directory.Write("extended.s", ExtendedLengths);
        string path = _directory.File("extended.o");
        ToolResult gcc = Tool.Run("gcc", ["-c", "-o", path, source]);
        Assert.True(gcc.ExitCode == 0, gcc.ToString());

        EhFrameRecords frames = EhFrameRecords.Read(ElfFile.Load(path), "extended.o");

        Assert.Equal(2, frames.Records.Count);
        (EhFrameRecord cie, EhFrameRecord fde) = (frames.Records[0], frames.Records[1]);
        Assert.Equal((0, 12, -1), (cie.Start, cie.HeaderLength, cie.CieStart));
        Assert.Equal((cie.Length, 12, 0, ".text"), (fde.Start, fde.HeaderLength, fde.CieStart, fde.Code?.Name));
        Assert.Equal(frames.Section!.Data.Length, fde.Start + fde.Length);
    }

    [Fact]
    public void A_truncated_record_is_refused_naming_the_object()
    {
        string source = _directory.Write("truncated.s", """
                    .section .eh_frame,"a",@unwind
                    .long 0x40
                    .long 0
            """);
        string path = _directory.File("truncated.o");
        ToolResult gcc = Tool.Run("gcc", ["-c", "-o", path, source]);
        Assert.True(gcc.ExitCode == 0, gcc.ToString());

        SutureException error = Assert.Throws<SutureException>(() => EhFrameRecords.Read(ElfFile.Load(path), "truncated.o"));

        Assert.Equal(ExitCode.Unpatchable, error.ExitCode);
        Assert.Equal("truncated.o: .eh_frame record at offset 0x0 has length 0x40, but only 0x4 bytes follow", error.Message);
    }
}
