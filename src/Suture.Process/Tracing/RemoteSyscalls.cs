using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// Runs system calls inside a stopped target: one thread's registers are saved, pointed at a
/// <c>syscall</c> instruction of the target and single-stepped over it; <see cref="Dispose"/>
/// puts the saved registers back, so an interrupted system call of that thread restarts.
/// </summary>
public sealed class RemoteSyscalls : IDisposable
{
    private const int MaxSteps = 64;

    private readonly StoppedProcess _process;
    private readonly TracedThread _thread;
    private readonly ulong _syscallAddress;
    private readonly UserRegs _saved;
    private bool _disposed;

    public RemoteSyscalls(StoppedProcess process, ulong syscallAddress)
    {
        _process = process;
        _thread = process.LeaderThread;
        _syscallAddress = syscallAddress;
        _saved = Ptrace.GetRegisters(_thread.Tid);
    }

    /// <summary>Runs syscall <paramref name="number"/>; returns its raw result (negative errno on failure).</summary>
    public long Invoke(long number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        UserRegs regs = _saved;
        regs.Rax = (ulong)number;
        regs.Rdi = a0;
        regs.Rsi = a1;
        regs.Rdx = a2;
        regs.R10 = a3;
        regs.R8 = a4;
        regs.R9 = a5;
        regs.Rip = _syscallAddress;
        regs.OrigRax = ulong.MaxValue; // no syscall restart logic on our registers
        Ptrace.SetRegisters(_thread.Tid, regs);

        for (int step = 0; step < MaxSteps; step++)
        {
            Ptrace.SingleStep(_thread.Tid);
            WaitStatus status = _process.WaitFor(_thread);
            if (status.IsGone)
            {
                throw new SutureException($"thread {_thread.Tid} of process {_process.Pid} exited while running system call {number} for suture");
            }

            if (status.IsSignalDeliveryStop && status.StopSignal != Ptrace.SigTrap)
            {
                _thread.KeepSignal(status.StopSignal); // re-delivered when the process resumes
            }

            UserRegs after = Ptrace.GetRegisters(_thread.Tid);
            if (after.Rip == _syscallAddress + 2)
            {
                return (long)after.Rax;
            }

            if (after.Rip != _syscallAddress)
            {
                throw new SutureException($"thread {_thread.Tid} of process {_process.Pid} left the system call at 0x{after.Rip:x}; process state is unexpected");
            }
        }

        throw new SutureException($"thread {_thread.Tid} of process {_process.Pid} did not complete system call {number}");
    }

    /// <summary>Like <see cref="Invoke"/>, but a negative errno becomes an exception naming the call.</summary>
    public ulong Check(string name, long number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        long result = Invoke(number, a0, a1, a2, a3, a4, a5);
        if (result < 0 && result > -4096)
        {
            throw new NativeCallException(name + " (inside the target)", $"process {_process.Pid}", (int)-result);
        }

        return (ulong)result;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_thread.IsAlive)
        {
            Ptrace.SetRegisters(_thread.Tid, _saved);
        }
    }
}
