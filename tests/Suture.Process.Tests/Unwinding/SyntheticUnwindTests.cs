using System.Buffers.Binary;
using Suture.Process.Objects;
using Suture.Process.Tracing;
using Suture.Process.Unwinding;

namespace Suture.Process.Tests.Unwinding;

/// <summary>Unwinds hand-written tables over a fake stack: exercises the CFA interpreter and the expression evaluator.</summary>
public sealed class SyntheticUnwindTests
{
    private const ulong TableAddress = 0x10000;
    private const ulong StackBase = 0x7fff0000;

    // The CIE every x86-64 compiler emits: CFA = rsp + 8, return address at CFA - 8.
    private static readonly byte[] StandardCie = [0x0c, 7, 8, 0x90, 1];

    // glibc's PLT rule: CFA = rsp + 8 + ((rip & 15) >= 11 ? 8 : 0).
    private static readonly byte[] PltExpression =
        [0x0f, 11, 0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22];

    [Theory]
    [InlineData(0x1000, 8)]
    [InlineData(0x100a, 8)]
    [InlineData(0x100b, 16)]
    [InlineData(0x101f, 16)]
    public void Plt_expression_gives_the_cfa_glibc_describes(ulong pc, ulong expectedOffset)
    {
        (StackUnwinder unwinder, ulong outer) = PltAndOutermost();
        ulong rsp = StackBase + 0x100;
        StackMemory stack = Stack(rsp, (rsp + expectedOffset - 8, outer));

        UnwindResult result = unwinder.Unwind(Regs(pc, rsp), stack);

        Assert.True(result.IsComplete, result.Failure);
        Assert.Equal([pc, outer], result.Frames.Select(f => f.Pc));
        Assert.Equal(rsp + expectedOffset, result.Frames[0].Cfa);
        Assert.All(result.Frames, f => Assert.Equal("synthetic", f.ObjectPath));
    }

    [Fact]
    public void Push_rbp_prologue_rules_follow_the_pc()
    {
        var builder = new EhFrameBuilder(TableAddress);
        int cie = builder.Cie(StandardCie);
        // push %rbp; mov %rsp,%rbp; ... : advance 1, cfa_offset 16, rbp at cfa-16, advance 3, cfa_register rbp;
        // remember, advance 4, def_cfa rsp+8, advance 1, restore_state.
        builder.Fde(cie, 0x1000, 0x40, [0x41, 0x0e, 16, 0x86, 2, 0x43, 0x0d, 6, 0x0a, 0x44, 0x0c, 7, 8, 0x41, 0x0b]);
        builder.Fde(cie, 0x2000, 0x10, [0x07, 16]);
        var unwinder = new StackUnwinder(0, Array.Empty<LoadedObject>());
        unwinder.AddTable(0, new EhFrameTable(builder.ToArray(), TableAddress), "synthetic");
        ulong rsp = StackBase + 0x100;

        // At 0x1004 (after mov %rsp,%rbp): CFA = rbp + 16, rbp saved at CFA - 16.
        ulong rbp = rsp + 0x20;
        var regs = ThreadRegisters.ForContext(0x1004, rsp, rbp);
        UnwindResult framed = unwinder.Unwind(regs, Stack(rsp, (rbp, 0x1111), (rbp + 8, 0x2004)));
        Assert.True(framed.IsComplete, framed.Failure);
        Assert.Equal(rbp + 16, framed.Frames[0].Cfa);

        // At 0x1008 (after the epilogue's def_cfa): CFA = rsp + 8.
        UnwindResult epilogue = unwinder.Unwind(Regs(0x1008, rsp), Stack(rsp, (rsp, 0x2004)));
        Assert.True(epilogue.IsComplete, epilogue.Failure);
        Assert.Equal(rsp + 8, epilogue.Frames[0].Cfa);

        // At 0x1009 restore_state brings back CFA = rbp + 16.
        UnwindResult restored = unwinder.Unwind(regs.With(rip: 0x1009), Stack(rsp, (rbp, 0x1111), (rbp + 8, 0x2004)));
        Assert.True(restored.IsComplete, restored.Failure);
        Assert.Equal(rbp + 16, restored.Frames[0].Cfa);
    }

    [Fact]
    public void Unreadable_return_address_is_a_failure_that_names_the_frame()
    {
        (StackUnwinder unwinder, _) = PltAndOutermost();
        UnwindResult result = unwinder.Unwind(Regs(0x1000, 0x5000), StackMemory.FromBytes(StackBase, new byte[64]));

        Assert.False(result.IsComplete);
        Assert.Contains("frame 0", result.Failure, StringComparison.Ordinal);
        Assert.Contains("return address at 0x5000 read failed", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Pc_outside_every_table_is_a_failure()
    {
        (StackUnwinder unwinder, _) = PltAndOutermost();
        UnwindResult result = unwinder.Unwind(Regs(0x9999, StackBase), StackMemory.FromBytes(StackBase, new byte[64]));

        Assert.False(result.IsComplete);
        Assert.Empty(result.Frames);
        Assert.Contains("no unwind information for pc 0x9999", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_that_does_not_grow_is_a_failure()
    {
        (StackUnwinder unwinder, _) = PltAndOutermost();
        ulong rsp = StackBase + 0x100;
        // The caller's code claims CFA = rsp + 0: the same CFA as the frame below it.
        StackMemory stack = Stack(rsp, (rsp, 0x3001));

        UnwindResult result = unwinder.Unwind(Regs(0x1000, rsp), stack);

        Assert.False(result.IsComplete);
        Assert.Contains("stack does not grow", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Frame_limit_is_a_failure()
    {
        (StackUnwinder unwinder, _) = PltAndOutermost();
        ulong rsp = StackBase + 0x100;
        StackMemory stack = Stack(rsp, (rsp, 0x1001), (rsp + 8, 0x1001), (rsp + 16, 0x1001));

        UnwindResult result = unwinder.Unwind(Regs(0x1000, rsp), stack, maxFrames: 2);

        Assert.False(result.IsComplete);
        Assert.Equal("more than 2 frames (deep recursion or a corrupt stack)", result.Failure);
        Assert.Equal(2, result.Frames.Count);
    }

    private static (StackUnwinder Unwinder, ulong Outermost) PltAndOutermost()
    {
        var builder = new EhFrameBuilder(TableAddress);
        int cie = builder.Cie(StandardCie);
        builder.Fde(cie, 0x1000, 0x20, PltExpression);
        builder.Fde(cie, 0x2000, 0x10, [0x07, 16]); // DW_CFA_undefined rip: outermost
        builder.Fde(cie, 0x3000, 0x10, [0x0c, 7, 0]); // def_cfa rsp + 0: a broken rule
        var table = new EhFrameTable(builder.ToArray(), TableAddress);
        Assert.Null(table.ParseError);
        Assert.Empty(table.Validate());
        var unwinder = new StackUnwinder(0, Array.Empty<LoadedObject>());
        unwinder.AddTable(0, table, "synthetic");
        return (unwinder, 0x2004);
    }

    private static ThreadRegisters Regs(ulong rip, ulong rsp) => ThreadRegisters.ForContext(rip, rsp, rbp: 0);

    private static StackMemory Stack(ulong rsp, params (ulong Address, ulong Value)[] words)
    {
        byte[] bytes = new byte[0x400];
        foreach ((ulong address, ulong value) in words)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)(address - StackBase)), value);
        }

        _ = rsp;
        return StackMemory.FromBytes(StackBase, bytes);
    }
}
