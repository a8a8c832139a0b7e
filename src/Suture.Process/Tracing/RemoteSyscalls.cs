using Suture.Native;
using Suture.Process.Memory;

namespace Suture.Process.Tracing;

/// <summary>
/// Runs system calls and function calls inside a stopped target on its leader thread, safely
/// even if Suture is killed meanwhile. Before borrowing the thread, its registers, FPU state and
/// signal mask are written as a signal frame below its stack's red zone (<see cref="RecoveryFrame"/>).
/// Each call then runs a <c>syscall; ret</c> found in the C library with the frame's return
/// address on top of the stack, under PTRACE_SYSCALL (no single-step flag is ever left set):
/// Suture stops the thread at the system call and puts its registers back itself; were Suture
/// gone, the thread would finish the call, return into rt_sigreturn and be restored by the kernel.
/// </summary>
public sealed class RemoteSyscalls : IDisposable
{
    private const int MaxStops = 64;

    private readonly StoppedProcess _process;
    private readonly TracedThread _thread;
    private readonly SyscallGadgets _gadgets;
    private readonly UserRegs _saved;
    private readonly ulong _frame;
    private readonly ProcessMemory _memory;
    private bool _disposed;

    public RemoteSyscalls(StoppedProcess process, ProcessMemory memory, SyscallGadgets gadgets)
    {
        _process = process;
        _thread = process.LeaderThread;
        _gadgets = gadgets;
        _saved = Ptrace.GetRegisters(_thread.Tid);
        Ptrace.EnableSyscallStops(_thread.Tid);
        (ulong frame, byte[] bytes) = RecoveryFrame.Build(_saved, Ptrace.GetSignalMask(_thread.Tid), Ptrace.GetExtendedState(_thread.Tid), gadgets.SignalReturn);
        memory.Write(frame, bytes); // below the red zone of a stopped thread: unused memory
        _frame = frame;
        _memory = memory;
    }

    /// <summary>Runs syscall <paramref name="number"/>; returns its raw result (negative errno on failure).</summary>
    public long Invoke(long number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        Prepare(number, a0, a1, a2, a3, a4, a5);
        for (int stop = 0; stop < MaxStops; stop++)
        {
            UserRegs entry = RunToSyscall(exit: false, $"system call {number}");
            if (entry.Rip == _gadgets.SyscallReturn + 2 && entry.OrigRax == (ulong)number)
            {
                return (long)RunToSyscall(exit: true, $"system call {number}").Rax;
            }

            // A thread held while inside a system call of its own can report that call's exit
            // first, still standing before our syscall instruction: go on to ours.
            if (entry.Rip != _gadgets.SyscallReturn)
            {
                throw Unexpected($"stopped at 0x{entry.Rip:x} in system call {(long)entry.OrigRax} instead of entering {number}");
            }
        }

        throw Unexpected($"system call {number} was never entered");
    }

    /// <summary>Points the borrowed thread at the system call, ready to run (the first half of <see cref="Invoke"/>).</summary>
    internal void Prepare(long number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureHeld();
        UserRegs regs = Borrowed(_gadgets.SyscallReturn, _frame);
        regs.Rax = (ulong)number;
        regs.Rdi = a0;
        regs.Rsi = a1;
        regs.Rdx = a2;
        regs.R10 = a3;
        regs.R8 = a4;
        regs.R9 = a5;
        Ptrace.SetRegisters(_thread.Tid, regs);
    }

    /// <summary>Like <see cref="Invoke"/>, but a negative errno becomes an exception naming the call.</summary>
    public ulong Check(string name, long number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        long result = Invoke(number, a0, a1, a2, a3, a4, a5);
        if (ErrorOf(result) != RemoteError.None)
        {
            throw Failure(name, result);
        }

        return (ulong)result;
    }

    /// <summary>What a raw result of <see cref="Invoke"/> says: success or which kind of failure.</summary>
    public static RemoteError ErrorOf(long result) => result is >= 0 or <= -4096 ? RemoteError.None : (int)-result switch
    {
        Errno.EEXIST => RemoteError.Exists,
        Errno.EPERM or Errno.EACCES => RemoteError.Denied,
        _ => RemoteError.Other,
    };

    /// <summary>The exception for the failed raw result <paramref name="result"/> of system call <paramref name="name"/>, naming the call, the process and errno.</summary>
    public SutureException Failure(string name, long result) =>
        new NativeCallException(name + " (inside the target)", $"process {_process.Pid}", (int)-result);

    /// <summary>
    /// Writes <paramref name="bytes"/> (at most 512) just below the recovery frame, in stack memory
    /// the borrowed thread does not use, and returns their address: an argument for a system call
    /// (not for <see cref="Call"/>, whose callee's stack grows over it).
    /// </summary>
    public ulong WriteScratch(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes.Length, 512);
        ulong address = (_frame - 64 - (ulong)bytes.Length) & ~15UL;
        _memory.Write(address, bytes);
        return address;
    }

    /// <summary>The registers the borrowed thread had when it was stopped (they are restored afterwards).</summary>
    public ThreadRegisters BorrowedRegisters => new(_saved);

    /// <summary>
    /// Calls <paramref name="function"/> with up to two integer arguments (rdi, rsi) and returns its result. It returns into
    /// the <c>syscall; ret</c>: the result becomes a bogus system call number (ENOSYS) at whose
    /// entry Suture stops the thread, and which, were Suture gone, would fall through to rt_sigreturn.
    /// </summary>
    public ulong Call(ulong function, ulong a0 = 0, ulong a1 = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureHeld();
        ulong stack = _frame - 8; // as after a call: the return address on top, rsp + 8 16-byte aligned
        _memory.Write(stack, BitConverter.GetBytes(_gadgets.SyscallReturn));
        UserRegs regs = Borrowed(function, stack);
        regs.Rdi = a0;
        regs.Rsi = a1;
        Ptrace.SetRegisters(_thread.Tid, regs);
        for (int stop = 0; stop < MaxStops; stop++)
        {
            UserRegs entry = RunToSyscall(exit: false, $"the call of 0x{function:x}");
            if (entry.Rip == _gadgets.SyscallReturn + 2)
            {
                // The function's return value, taken as a system call number. Skip that call and
                // stop at its exit, the same state Invoke leaves the thread in.
                UserRegs skip = entry;
                skip.OrigRax = ulong.MaxValue;
                Ptrace.SetRegisters(_thread.Tid, skip);
                RunToSyscall(exit: true, $"the call of 0x{function:x}");
                return entry.OrigRax;
            }

            RunToSyscall(exit: true, $"the call of 0x{function:x}"); // a system call the function itself made
        }

        throw Unexpected($"the call of 0x{function:x} did not return");
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_thread.IsStopped) // not if it exited, or was left to finish a call that did not come back in time
        {
            Ptrace.SetRegisters(_thread.Tid, _saved);
        }
    }

    /// <summary>The saved registers, pointed at <paramref name="rip"/> with the recovery frame's return address on top of the stack.</summary>
    private UserRegs Borrowed(ulong rip, ulong rsp)
    {
        UserRegs regs = _saved;
        regs.Rip = rip;
        regs.Rsp = rsp;
        regs.OrigRax = ulong.MaxValue; // no system call restart on these registers
        return regs;
    }

    private UserRegs RunToSyscall(bool exit, string what)
    {
        for (int stop = 0; stop < MaxStops; stop++)
        {
            Ptrace.ResumeToSyscall(_thread.Tid);
            WaitStatus status = _process.WaitFor(_thread);
            if (status.IsGone)
            {
                throw ProcessGone() ?? new SutureException($"thread {_thread.Tid} of process {_process.Pid} exited during {what} for suture");
            }

            if (status.IsSyscallStop)
            {
                return Ptrace.GetRegisters(_thread.Tid);
            }

            if (status.IsSignalDeliveryStop)
            {
                _thread.KeepSignal(status.StopSignal); // re-delivered when the process resumes
            }
        }

        throw Unexpected($"{what} did not reach its system call {(exit ? "exit" : "entry")}");
    }

    private void EnsureHeld()
    {
        if (!_thread.IsStopped)
        {
            throw ProcessGone() ?? new SutureException($"thread {_thread.Tid} of process {_process.Pid} is no longer held by suture (it exited, or did not come back from an earlier call in time); no further calls run in it");
        }
    }

    /// <summary>When the whole process has exited (gone or a zombie): the same refusal as a pid that never existed.</summary>
    private SutureException? ProcessGone() =>
        ProcStatus.ReadProcess(_process.Pid) is { } status && status.First("State") != "Z"
            ? null
            : new SutureException($"no process with pid {_process.Pid} (it exited while suture worked on it)", ExitCode.NoSuchProcess);

    private SutureException Unexpected(string what) => new($"thread {_thread.Tid} of process {_process.Pid}: {what}; its registers were restored");
}
