using System.Runtime.InteropServices;

namespace Suture.Native;

/// <summary>
/// Checked ptrace(2) and waitpid(2). Every call for a tracee must come from the OS thread that
/// seized it; callers in Suture.Process guarantee that with one dedicated tracer thread.
/// </summary>
internal static class Ptrace
{
    public const int SigTrap = Interop.SIGTRAP;

    /// <summary>Stop signal of a syscall-entry or syscall-exit stop (with PTRACE_O_TRACESYSGOOD).</summary>
    public const int SyscallStopSignal = Interop.SIGTRAP | 0x80;
    public const int SigStop = Interop.SIGSTOP;

    /// <summary>Seizes a thread without stopping it, following the threads it creates if asked.</summary>
    /// <returns>0 on success, else the errno (ESRCH: the thread exited; EPERM: not allowed).</returns>
    public static int TrySeize(int tid, bool followClones = true)
    {
        long result = Interop.Ptrace(Interop.PTRACE_SEIZE, tid, 0, followClones ? Interop.PTRACE_O_TRACECLONE : 0);
        return result < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>Asks a seized thread to stop; false when it is gone.</summary>
    public static bool TryInterrupt(int tid)
    {
        long result = Interop.Ptrace(Interop.PTRACE_INTERRUPT, tid, 0, 0);
        return result >= 0 || Check(Marshal.GetLastPInvokeError(), "PTRACE_INTERRUPT", tid);
    }

    public static unsafe UserRegs GetRegisters(int tid)
    {
        UserRegs regs;
        if (Interop.Ptrace(Interop.PTRACE_GETREGS, tid, 0, (nint)(&regs)) < 0)
        {
            throw new NativeCallException("PTRACE_GETREGS", $"thread {tid}", Marshal.GetLastPInvokeError());
        }

        return regs;
    }

    public static unsafe void SetRegisters(int tid, in UserRegs regs)
    {
        fixed (UserRegs* pointer = &regs)
        {
            if (Interop.Ptrace(Interop.PTRACE_SETREGS, tid, 0, (nint)pointer) < 0)
            {
                throw new NativeCallException("PTRACE_SETREGS", $"thread {tid}", Marshal.GetLastPInvokeError());
            }
        }
    }

    /// <summary>Resumes a stopped thread, delivering <paramref name="signal"/>; false when it is gone.</summary>
    public static bool TryContinue(int tid, int signal)
    {
        long result = Interop.Ptrace(Interop.PTRACE_CONT, tid, 0, signal);
        return result >= 0 || Check(Marshal.GetLastPInvokeError(), "PTRACE_CONT", tid);
    }

    /// <summary>Detaches a stopped thread, delivering <paramref name="signal"/>; false when it is gone.</summary>
    public static bool TryDetach(int tid, int signal)
    {
        long result = Interop.Ptrace(Interop.PTRACE_DETACH, tid, 0, signal);
        return result >= 0 || Check(Marshal.GetLastPInvokeError(), "PTRACE_DETACH", tid);
    }

    /// <summary>Report system call entries and exits as stops with <see cref="SyscallStopSignal"/> (and follow no clones).</summary>
    public static void EnableSyscallStops(int tid)
    {
        if (Interop.Ptrace(Interop.PTRACE_SETOPTIONS, tid, 0, Interop.PTRACE_O_TRACESYSGOOD) < 0)
        {
            throw new NativeCallException("PTRACE_SETOPTIONS", $"thread {tid}", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Resumes a stopped thread until its next system call entry or exit.</summary>
    public static void ResumeToSyscall(int tid)
    {
        if (Interop.Ptrace(Interop.PTRACE_SYSCALL, tid, 0, 0) < 0)
        {
            throw new NativeCallException("PTRACE_SYSCALL", $"thread {tid}", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>The thread's blocked-signal mask.</summary>
    public static unsafe ulong GetSignalMask(int tid)
    {
        ulong mask;
        if (Interop.Ptrace(Interop.PTRACE_GETSIGMASK, tid, sizeof(ulong), (nint)(&mask)) < 0)
        {
            throw new NativeCallException("PTRACE_GETSIGMASK", $"thread {tid}", Marshal.GetLastPInvokeError());
        }

        return mask;
    }

    /// <summary>The thread's extended FPU/vector state in XSAVE layout (NT_X86_XSTATE), as signal frames hold it.</summary>
    public static unsafe byte[] GetExtendedState(int tid)
    {
        byte[] buffer = new byte[64 * 1024];
        fixed (byte* pointer = buffer)
        {
            IoVector vector = new() { Base = (nint)pointer, Length = (nuint)buffer.Length };
            if (Interop.Ptrace(Interop.PTRACE_GETREGSET, tid, Interop.NT_X86_XSTATE, (nint)(&vector)) < 0)
            {
                throw new NativeCallException("PTRACE_GETREGSET(NT_X86_XSTATE)", $"thread {tid}", Marshal.GetLastPInvokeError());
            }

            return buffer.AsSpan(0, (int)vector.Length).ToArray();
        }
    }

    /// <summary>Sends <paramref name="signal"/> to one thread.</summary>
    /// <returns>0 on success, else the errno (ESRCH: the thread is gone; EAGAIN: the target's queue of real-time signals is full).</returns>
    public static int TrySendSignal(int tgid, int tid, int signal) =>
        Interop.TgKill(tgid, tid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public static unsafe ulong GetEventMessage(int tid)
    {
        ulong message;
        if (Interop.Ptrace(Interop.PTRACE_GETEVENTMSG, tid, 0, (nint)(&message)) < 0)
        {
            throw new NativeCallException("PTRACE_GETEVENTMSG", $"thread {tid}", Marshal.GetLastPInvokeError());
        }

        return message;
    }

    /// <summary>Waits for a state change of one traced thread (any thread kind, <c>__WALL</c>).</summary>
    /// <returns>The status, or null with <paramref name="noHang"/> when nothing happened yet.</returns>
    public static WaitStatus? Wait(int tid, bool noHang = false)
    {
        while (true)
        {
            int result = Interop.WaitPid(tid, out int status, Interop.__WALL | (noHang ? Interop.WNOHANG : 0));
            if (result > 0)
            {
                return new WaitStatus(result, status);
            }

            if (result == 0)
            {
                return null;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Interop.EINTR)
            {
                throw new NativeCallException("waitpid", $"thread {tid}", errno);
            }
        }
    }

    /// <summary>ESRCH means the thread is gone (false); anything else is an error.</summary>
    private static bool Check(int errno, string call, int tid) =>
        errno == Interop.ESRCH ? false : throw new NativeCallException(call, $"thread {tid}", errno);
}
