using System.Buffers.Binary;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Suture.Native;
using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Process.Tests.Tracing;

/// <summary>
/// Checks the register layouts suture writes and reads without the C headers against those
/// headers: <c>struct user_regs_struct</c> (sys/user.h, what PTRACE_GETREGS fills) for
/// <see cref="UserRegs"/>, and the kernel's signal frame (asm/ucontext.h, asm/sigcontext.h; the
/// kernel's <c>struct rt_sigframe</c> is a return address followed by the ucontext) for the
/// frame <see cref="RecoveryFrame"/> builds.
/// </summary>
public sealed class RegisterLayoutTests
{
    private static readonly FieldInfo[] Fields = typeof(UserRegs).GetFields(BindingFlags.Public | BindingFlags.Instance);

    /// <summary>The general registers a sigcontext holds as 64-bit words, in the order the C header names them.</summary>
    private static readonly string[] ContextWords = ["r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rdi", "rsi", "rbp", "rbx", "rdx", "rax", "rcx", "rsp", "rip", "eflags"];

    [Fact]
    public void UserRegs_matches_user_regs_struct_of_sys_user_h()
    {
        var source = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include <sys/user.h>\nint main(void)\n{\n");
        source.Append("    printf(\"size %zu\\n\", sizeof(struct user_regs_struct));\n");
        var expected = new StringBuilder($"size {Marshal.SizeOf<UserRegs>()}\n");
        foreach (FieldInfo field in Fields)
        {
            string name = CName(field.Name);
            source.Append(CultureInfo.InvariantCulture, $"    printf(\"{name} %zu %zu\\n\", offsetof(struct user_regs_struct, {name}), sizeof(((struct user_regs_struct *)0)->{name}));\n");
            expected.Append(CultureInfo.InvariantCulture, $"{name} {Marshal.OffsetOf<UserRegs>(field.Name)} {Marshal.SizeOf(field.FieldType)}\n");
        }

        source.Append("    return 0;\n}\n");

        Assert.Equal(expected.ToString(), RunC(source.ToString()));
    }

    [Fact]
    public void Recovery_frame_constants_match_the_kernel_headers()
    {
        const string source = """
            #include <stddef.h>
            #include <stdio.h>
            #include <asm/unistd.h>
            #include <asm/signal.h>
            #include <asm/sigcontext.h>
            #include <asm/ucontext.h>
            int main(void)
            {
                printf("%zu %zu %zu %d %d %u %u %zu %d\n", sizeof(struct ucontext), offsetof(struct ucontext, uc_mcontext),
                       offsetof(struct ucontext, uc_sigmask), UC_FP_XSTATE, UC_SIGCONTEXT_SS, FP_XSTATE_MAGIC1, FP_XSTATE_MAGIC2,
                       offsetof(struct _fpstate_64, sw_reserved), __NR_restart_syscall);
                return 0;
            }
            """;

        Assert.Equal(
            $"{RecoveryFrame.UcontextSize} {RecoveryFrame.McontextOffset} {RecoveryFrame.SigmaskOffset} {RecoveryFrame.UcFpXstate} {RecoveryFrame.UcSigcontextSs} {RecoveryFrame.FpXstateMagic1} {RecoveryFrame.FpXstateMagic2} {RecoveryFrame.SwReservedOffset} {RecoveryFrame.RestartSyscall}\n",
            RunC(source));
    }

    [Fact]
    public void Recovery_frame_puts_each_register_where_rt_sigreturn_reads_it()
    {
        var words = string.Join(", ", ContextWords.Select(w => $"offsetof(struct sigcontext, {w})"));
        string source = $$"""
            #include <stddef.h>
            #include <stdio.h>
            #include <asm/signal.h>
            #include <asm/sigcontext.h>
            #include <asm/ucontext.h>
            struct rt_sigframe { char *pretcode; struct ucontext uc; };
            static const size_t words[] = { {{words}} };
            int main(void)
            {
                printf("%zu %zu %zu %zu %zu\n", offsetof(struct rt_sigframe, uc), offsetof(struct rt_sigframe, uc.uc_flags),
                       offsetof(struct rt_sigframe, uc.uc_stack.ss_flags), offsetof(struct rt_sigframe, uc.uc_mcontext),
                       offsetof(struct rt_sigframe, uc.uc_sigmask));
                for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
                    printf("%zu ", words[i]);
                printf("\n%zu %zu %zu %zu %zu %zu %zu\n", offsetof(struct sigcontext, cs), offsetof(struct sigcontext, gs), offsetof(struct sigcontext, fs),
                       offsetof(struct sigcontext, ss), offsetof(struct sigcontext, fpstate), offsetof(struct _fpx_sw_bytes, xstate_size), offsetof(struct _fpstate_64, sw_reserved));
                return 0;
            }
            """;
        ulong[][] lines = [.. RunC(source).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => ulong.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
        (int uc, int flags, int ssFlags, int mcontext, int sigmask) = ((int)lines[0][0], (int)lines[0][1], (int)lines[0][2], (int)lines[0][3], (int)lines[0][4]);
        int[] wordOffsets = [.. lines[1].Select(o => (int)o)];
        (int cs, int gs, int fs, int ss, int fpstate, int xstateSizeField, int swReserved) =
            ((int)lines[2][0], (int)lines[2][1], (int)lines[2][2], (int)lines[2][3], (int)lines[2][4], (int)lines[2][5], (int)lines[2][6]);
        Assert.Equal(8, uc); // the return address into rt_sigreturn comes first

        // Distinct values in every register; no system call to restart, so the frame keeps them as they are.
        var saved = default(UserRegs);
        object boxed = saved;
        for (int i = 0; i < Fields.Length; i++)
        {
            Fields[i].SetValue(boxed, 0x1111_0000_0000UL + ((ulong)i << 8) + (ulong)i);
        }

        saved = (UserRegs)boxed;
        saved.OrigRax = ulong.MaxValue;
        saved.Rsp = 0x7ffd_1234_5670;
        const int xstateSize = 832;
        byte[] xstate = new byte[1024];
        Random.Shared.NextBytes(xstate);
        BinaryPrimitives.WriteUInt32LittleEndian(xstate.AsSpan(swReserved), RecoveryFrame.FpXstateMagic1);
        BinaryPrimitives.WriteUInt32LittleEndian(xstate.AsSpan(swReserved + xstateSizeField), xstateSize);
        const ulong mask = 0x8000_0000_0001_0002;
        const ulong signalReturn = 0x7f00_0000_1000;

        (ulong address, byte[] frame) = RecoveryFrame.Build(saved, mask, xstate, signalReturn);

        Assert.Equal(signalReturn, Word(frame, 0));
        Assert.Equal(RecoveryFrame.UcFpXstate | RecoveryFrame.UcSigcontextSs, Word(frame, flags));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(ssFlags)));
        Assert.Equal(mask, Word(frame, sigmask));
        for (int i = 0; i < ContextWords.Length; i++)
        {
            ulong value = (ulong)Fields.Single(f => CName(f.Name) == ContextWords[i]).GetValue(saved)!;
            Assert.True(value == Word(frame, mcontext + wordOffsets[i]), $"{ContextWords[i]} at sigcontext offset {wordOffsets[i]}");
        }

        Assert.Equal((ushort)saved.Cs, BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(mcontext + cs)));
        Assert.Equal((ushort)saved.Gs, BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(mcontext + gs)));
        Assert.Equal((ushort)saved.Fs, BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(mcontext + fs)));
        Assert.Equal((ushort)saved.Ss, BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(mcontext + ss)));

        // fpstate points at the XSAVE area inside the frame, 64-byte aligned, followed by the second magic number.
        ulong fpAddress = Word(frame, mcontext + fpstate);
        Assert.Equal(0UL, fpAddress % 64);
        int fpOffset = (int)(fpAddress - address);
        Assert.Equal(xstate.AsSpan(0, xstateSize).ToArray(), frame.AsSpan(fpOffset, xstateSize).ToArray());
        Assert.Equal(RecoveryFrame.FpXstateMagic2, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(fpOffset + xstateSize)));
        Assert.True(address + (ulong)frame.Length <= saved.Rsp - 128, "the frame lies below the red zone");
    }

    /// <summary>The C name of a field of <see cref="UserRegs"/>: OrigRax is orig_rax, FsBase fs_base.</summary>
    private static string CName(string field)
    {
        var name = new StringBuilder();
        foreach (char c in field)
        {
            if (char.IsUpper(c) && name.Length > 0 && !char.IsDigit(name[^1]))
            {
                name.Append('_');
            }

            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }

    private static ulong Word(byte[] frame, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(frame.AsSpan(offset));

    private static string RunC(string source)
    {
        using var directory = new TempDirectory("suture-layout");
        string program = Gcc.Compile(source, directory.File("layout"));
        ToolResult result = Tool.Run(program, []);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }
}
