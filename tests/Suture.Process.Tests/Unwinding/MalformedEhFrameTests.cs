using System.Buffers.Binary;
using Suture.Elf;
using Suture.Process.Objects;
using Suture.Process.Tracing;
using Suture.Process.Unwinding;

namespace Suture.Process.Tests.Unwinding;

/// <summary>Damaged tables are reported as errors, never as exceptions.</summary>
public sealed class MalformedEhFrameTests
{
    private const string LibcPath = "/lib/x86_64-linux-gnu/libc.so.6";

    [Fact]
    public void Truncated_section_reports_a_parse_error_and_keeps_earlier_fdes()
    {
        ElfSection frame = ElfFile.Load(LibcPath).FindSection(".eh_frame")!;
        var table = new EhFrameTable(frame.Data[..(frame.Data.Length / 2)], frame.Address);

        Assert.NotNull(table.ParseError);
        Assert.Contains("bytes follow", table.ParseError, StringComparison.Ordinal);
        Assert.True(table.FdeCount > 100);
        Assert.NotEmpty(table.Validate());
    }

    [Fact]
    public void Record_length_past_the_end_is_reported()
    {
        byte[] data = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(data, 0x1000);
        var table = new EhFrameTable(data, 0x1000);

        Assert.Equal(".eh_frame at 0x1000: record at offset 0x0 has length 0x1000, but only 0x1c bytes follow", table.ParseError);
        Assert.Equal(0, table.FdeCount);
    }

    [Fact]
    public void Fde_pointing_to_a_missing_cie_is_reported()
    {
        byte[] data = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(data, 20);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), 0x100);
        var table = new EhFrameTable(data, 0x1000);

        Assert.Contains("points to a CIE at", table.ParseError, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_table_pointing_outside_eh_frame_falls_back_to_scanning()
    {
        var builder = new EhFrameBuilder(0x2000);
        int cie = builder.Cie([0x0c, 7, 8, 0x90, 1]);
        builder.Fde(cie, 0x1000, 0x10, []);
        byte[] header = [1, 0x1b, 0x03, 0x3b, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0];
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), 0x2000 - 0x3004); // eh_frame_ptr, pcrel from 0x3004
        var table = new EhFrameTable(builder.ToArray(), 0x2000, header, 0x3000);

        Assert.False(table.UsesHeaderIndex);
        Assert.Contains("outside .eh_frame", table.HeaderProblem, StringComparison.Ordinal);
        Assert.Equal(1, table.FdeCount);
        Assert.True(table.TryFind(0x1008, out _, out _));
    }

    [Fact]
    public void Fuzzed_tables_never_throw()
    {
        var random = new Random(20240611);
        var builder = new EhFrameBuilder(0x10000);
        int cie = builder.Cie([0x0c, 7, 8, 0x90, 1]);
        builder.Fde(cie, 0x1000, 0x40, [0x41, 0x0e, 16, 0x86, 2, 0x43, 0x0d, 6, 0x0a, 0x44, 0x0c, 7, 8, 0x41, 0x0b]);
        builder.Fde(cie, 0x1040, 0x20, [0x0f, 11, 0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22]);
        builder.Fde(cie, 0x2000, 0x10, [0x07, 16]);
        byte[] original = builder.ToArray();
        byte[] libcFrame = ElfFile.Load(LibcPath).FindSection(".eh_frame")!.Data[..4096].ToArray();

        for (int iteration = 0; iteration < 3000; iteration++)
        {
            byte[] source = iteration % 10 == 0 ? libcFrame : original;
            byte[] data = (byte[])source.Clone();
            int flips = 1 + random.Next(8);
            for (int i = 0; i < flips; i++)
            {
                data[random.Next(data.Length)] = (byte)random.Next(256);
            }

            if (random.Next(4) == 0)
            {
                data = data[..random.Next(data.Length)];
            }

            Exercise(data, random);
        }
    }

    private static void Exercise(byte[] data, Random random)
    {
        var table = new EhFrameTable(data, 0x10000);
        table.Validate();
        for (int i = 0; i < 8; i++)
        {
            table.TryFind((ulong)random.Next(0x800, 0x2100), out _, out _);
        }

        if (table.FdeCount == 0 || table.HighPc() <= table.LowPc)
        {
            return;
        }

        var unwinder = new StackUnwinder(0, Array.Empty<LoadedObject>());
        unwinder.AddTable(0, table, "fuzz");
        byte[] stackBytes = new byte[512];
        random.NextBytes(stackBytes);
        for (int i = 0; i < 4; i++)
        {
            var regs = ThreadRegisters.ForContext(
                rip: table.LowPc + (ulong)random.Next(0x100),
                rsp: 0x7000 + (ulong)random.Next(512),
                rbp: 0x7000 + (ulong)random.Next(512));
            UnwindResult result = unwinder.Unwind(regs, StackMemory.FromBytes(0x7000, stackBytes), maxFrames: 64);
            Assert.True(result.IsComplete || result.Failure is not null);
        }
    }
}
