using System.Buffers.Binary;
using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// A signal frame (struct rt_sigframe: return address, ucontext, XSAVE area) holding a thread's
/// original registers, FPU/vector state and signal mask, written on the thread's stack below the
/// red zone before Suture borrows the thread. If Suture dies while the thread runs a remote
/// system call, the thread returns into rt_sigreturn and the kernel restores it from this frame,
/// restarting an interrupted system call as it would have. Layout: arch/x86/include/uapi/asm/
/// sigcontext.h and asm-generic/ucontext.h.
/// </summary>
internal static class RecoveryFrame
{
    private const int RedZone = 128;
    internal const int UcontextSize = 304;       // uc_flags, uc_link, uc_stack(24), uc_mcontext(256), uc_sigmask(8)
    internal const int McontextOffset = 40;
    internal const int SigmaskOffset = 296;
    internal const ulong UcFpXstate = 1;
    internal const ulong UcSigcontextSs = 2;
    internal const uint FpXstateMagic1 = 0x46505853;
    internal const uint FpXstateMagic2 = 0x46505845;
    internal const int SwReservedOffset = 464;
    private const long ErestartSys = -512;
    private const long ErestartNoIntr = -513;
    private const long ErestartNoHand = -514;
    private const long ErestartRestartBlock = -516;
    internal const ulong RestartSyscall = 219;

    /// <summary>Where the frame goes below <paramref name="rsp"/> and its bytes; the return address slot comes first.</summary>
    public static (ulong Address, byte[] Bytes) Build(in UserRegs saved, ulong signalMask, byte[] xstate, ulong signalReturn)
    {
        int xstateSize = xstate.Length >= SwReservedOffset + 20 && BinaryPrimitives.ReadUInt32LittleEndian(xstate.AsSpan(SwReservedOffset)) == FpXstateMagic1
            ? (int)BinaryPrimitives.ReadUInt32LittleEndian(xstate.AsSpan(SwReservedOffset + 16))
            : 512;
        int fpOffset = Align(8 + UcontextSize, 64);
        int total = fpOffset + xstateSize + 4;
        ulong address = (saved.Rsp - RedZone - (ulong)total - 64) & ~63UL;
        byte[] frame = new byte[total];
        Span<byte> f = frame;
        BinaryPrimitives.WriteUInt64LittleEndian(f, signalReturn);     // return address: into rt_sigreturn
        Span<byte> uc = f[8..];
        BinaryPrimitives.WriteUInt64LittleEndian(uc, (xstateSize > 512 ? UcFpXstate : 0) | UcSigcontextSs);
        BinaryPrimitives.WriteInt32LittleEndian(uc[(16 + 8)..], 3);   // uc_stack.ss_flags: invalid, so the altstack is left as it is
        WriteContext(uc[McontextOffset..], Restarted(saved), address + (ulong)fpOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(uc[SigmaskOffset..], signalMask);
        xstate.AsSpan(0, Math.Min(xstate.Length, xstateSize)).CopyTo(f[fpOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(f[(fpOffset + xstateSize)..], FpXstateMagic2);
        return (address, frame);
    }

    /// <summary>What the kernel does to a thread interrupted in a system call when no handler runs: restart it.</summary>
    private static UserRegs Restarted(in UserRegs saved)
    {
        UserRegs regs = saved;
        if ((long)saved.OrigRax >= 0)
        {
            switch ((long)saved.Rax)
            {
                case ErestartSys or ErestartNoIntr or ErestartNoHand:
                    regs.Rax = saved.OrigRax;
                    regs.Rip -= 2;
                    break;
                case ErestartRestartBlock:
                    regs.Rax = RestartSyscall;
                    regs.Rip -= 2;
                    break;
            }
        }

        return regs;
    }

    private static void WriteContext(Span<byte> sc, in UserRegs r, ulong fpstate)
    {
        ulong[] words = [r.R8, r.R9, r.R10, r.R11, r.R12, r.R13, r.R14, r.R15, r.Rdi, r.Rsi, r.Rbp, r.Rbx, r.Rdx, r.Rax, r.Rcx, r.Rsp, r.Rip, r.Eflags];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(sc[(i * 8)..], words[i]);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(sc[144..], (ushort)r.Cs);
        BinaryPrimitives.WriteUInt16LittleEndian(sc[146..], (ushort)r.Gs);
        BinaryPrimitives.WriteUInt16LittleEndian(sc[148..], (ushort)r.Fs);
        BinaryPrimitives.WriteUInt16LittleEndian(sc[150..], (ushort)r.Ss);
        BinaryPrimitives.WriteUInt64LittleEndian(sc[184..], fpstate);
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) & ~(alignment - 1);
}
