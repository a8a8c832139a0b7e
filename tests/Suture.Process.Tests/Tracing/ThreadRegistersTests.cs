using Suture.Native;
using Suture.Process.Tracing;

namespace Suture.Process.Tests.Tracing;

public sealed class ThreadRegistersTests
{
    private static readonly ThreadRegisters Stopped = new(new UserRegs { Rip = 0x40_1000, Rsp = 0x7ffd_0000_1000, Rax = 7, Rbx = 9, OrigRax = 35, FsBase = 0x7f00_0000_2000 });

    [Fact]
    public void With_changes_only_what_it_is_given()
    {
        ThreadRegisters moved = Stopped.With(rip: 0x40_2000, rsp: Stopped.Rsp + 8, rax: 1);

        Assert.Equal((0x40_2000UL, Stopped.Rsp + 8, 1UL), (moved.Rip, moved.Rsp, moved.Rax));
        Assert.Equal((Stopped.Rbx, Stopped.OrigRax, Stopped.FsBase), (moved.Rbx, moved.OrigRax, moved.FsBase));
        Assert.Equal(0x40_1000UL, Stopped.Rip); // a copy: the original is unchanged
        Assert.Equal(ulong.MaxValue, Stopped.With(noRestart: true).OrigRax);
    }

    [Theory]
    [InlineData(0x0000_8000_0000_0000UL)]
    [InlineData(0xffff_ffff_8100_0000UL)]
    public void With_refuses_a_program_counter_or_stack_outside_user_space(ulong address)
    {
        SutureException rip = Assert.Throws<SutureException>(() => Stopped.With(rip: address));
        SutureException rsp = Assert.Throws<SutureException>(() => Stopped.With(rsp: address));

        Assert.Contains($"0x{address:x}", rip.Message);
        Assert.Contains("rsp", rsp.Message);
    }
}
