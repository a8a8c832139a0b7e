using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// The general registers of a stopped thread (x86-64), or the few a suspended coroutine context
/// saves. Read-only: a changed copy comes from <see cref="With"/>, which refuses a program counter
/// or stack pointer outside user space, and reaches a thread only through
/// <see cref="StoppedProcess.SetRegisters"/>.
/// </summary>
public readonly struct ThreadRegisters
{
    /// <summary>The first address above the lower half of the x86-64 address space (user space).</summary>
    private const ulong UserSpaceEnd = 0x0000_8000_0000_0000;

    private readonly UserRegs _raw;

    internal ThreadRegisters(in UserRegs raw)
    {
        _raw = raw;
    }

    public ulong Rax => _raw.Rax;
    public ulong Rbx => _raw.Rbx;
    public ulong Rcx => _raw.Rcx;
    public ulong Rdx => _raw.Rdx;
    public ulong Rsi => _raw.Rsi;
    public ulong Rdi => _raw.Rdi;
    public ulong Rbp => _raw.Rbp;
    public ulong Rsp => _raw.Rsp;
    public ulong R8 => _raw.R8;
    public ulong R9 => _raw.R9;
    public ulong R10 => _raw.R10;
    public ulong R11 => _raw.R11;
    public ulong R12 => _raw.R12;
    public ulong R13 => _raw.R13;
    public ulong R14 => _raw.R14;
    public ulong R15 => _raw.R15;
    public ulong Rip => _raw.Rip;
    public ulong Eflags => _raw.Eflags;

    /// <summary>The system call the thread stopped in (ulong.MaxValue: none, or none to restart).</summary>
    public ulong OrigRax => _raw.OrigRax;

    /// <summary>The thread pointer (%fs base), where the thread's TLS block ends.</summary>
    public ulong FsBase => _raw.FsBase;

    internal UserRegs Raw => _raw;

    /// <summary>A suspended context that saved only its program counter, stack and frame pointer; every other register unknown (zero).</summary>
    public static ThreadRegisters ForContext(ulong rip, ulong rsp, ulong rbp) =>
        new(new UserRegs { Rip = rip, Rsp = rsp, Rbp = rbp });

    /// <summary>
    /// A copy with the given registers changed. <paramref name="noRestart"/> clears the system call
    /// the thread stopped in, so resuming does not restart it. Refuses (SutureException) a program
    /// counter or stack pointer outside user space.
    /// </summary>
    public ThreadRegisters With(ulong? rip = null, ulong? rsp = null, ulong? rax = null, bool noRestart = false)
    {
        UserRegs raw = _raw;
        raw.Rip = UserAddress(rip ?? raw.Rip, nameof(rip));
        raw.Rsp = UserAddress(rsp ?? raw.Rsp, nameof(rsp));
        raw.Rax = rax ?? raw.Rax;
        if (noRestart)
        {
            raw.OrigRax = ulong.MaxValue;
        }

        return new ThreadRegisters(raw);
    }

    private static ulong UserAddress(ulong value, string name) => value < UserSpaceEnd
        ? value
        : throw new SutureException($"a thread's {name} would be set to 0x{value:x}, which is not a user-space address; the registers were not changed", ExitCode.Failure);
}
