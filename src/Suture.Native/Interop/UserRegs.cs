using System.Runtime.InteropServices;

namespace Suture.Native;

/// <summary>struct user_regs_struct of x86-64 (sys/user.h), as PTRACE_GETREGS fills it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UserRegs
{
    public ulong R15;
    public ulong R14;
    public ulong R13;
    public ulong R12;
    public ulong Rbp;
    public ulong Rbx;
    public ulong R11;
    public ulong R10;
    public ulong R9;
    public ulong R8;
    public ulong Rax;
    public ulong Rcx;
    public ulong Rdx;
    public ulong Rsi;
    public ulong Rdi;
    public ulong OrigRax;
    public ulong Rip;
    public ulong Cs;
    public ulong Eflags;
    public ulong Rsp;
    public ulong Ss;
    public ulong FsBase;
    public ulong GsBase;
    public ulong Ds;
    public ulong Es;
    public ulong Fs;
    public ulong Gs;
}
