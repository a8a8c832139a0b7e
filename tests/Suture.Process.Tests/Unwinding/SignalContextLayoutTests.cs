using Suture.TestSupport;

namespace Suture.Process.Tests.Unwinding;

/// <summary>Checks the ucontext_t layout the signal-frame step assumes against the C headers.</summary>
public sealed class SignalContextLayoutTests
{
    [Fact]
    public void Gregs_offset_and_order_match_sys_ucontext_h()
    {
        const string source = """
            #define _GNU_SOURCE
            #include <stddef.h>
            #include <stdio.h>
            #include <sys/ucontext.h>
            int main(void)
            {
                printf("%zu %d %d %d %d %d %d %d %d %d %d %d\n", offsetof(ucontext_t, uc_mcontext.gregs),
                       REG_R8, REG_R15, REG_RDI, REG_RSI, REG_RBP, REG_RBX, REG_RDX, REG_RAX, REG_RCX, REG_RSP, REG_RIP);
                return 0;
            }
            """;
        using var directory = new TempDirectory("suture-unwind");
        string program = Gcc.Compile(source, directory.File("layout"));

        ToolResult result = Tool.Run(program, []);

        // gregs at 40; R8..R15 = 0..7, then RDI RSI RBP RBX RDX RAX RCX RSP RIP = 8..16 (FrameStep.GregToDwarf).
        Assert.Equal("40 0 7 8 9 10 11 12 13 14 15 16\n", result.Stdout);
    }
}
