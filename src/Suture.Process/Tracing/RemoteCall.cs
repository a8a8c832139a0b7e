using Suture.Native;
using Suture.Process.Memory;

namespace Suture.Process.Tracing;

/// <summary>
/// Calls a function inside a stopped target on its leader thread: the stack pointer moves below
/// the red zone, the return address is a trap (<c>int3</c>) the caller placed in memory it owns,
/// and the thread runs until it hits the trap. Its registers are restored afterwards.
/// </summary>
public static class RemoteCall
{
    private const ulong RedZoneAndMargin = 1024;
    private const int MaxStops = 64;

    public static ulong Invoke(StoppedProcess process, ProcessMemory memory, ulong function, ulong trapAddress)
    {
        TracedThread thread = process.LeaderThread;
        UserRegs saved = Ptrace.GetRegisters(thread.Tid);
        UserRegs regs = saved;
        regs.Rsp = ((saved.Rsp - RedZoneAndMargin) & ~0xfUL) - 8; // as right after a call: rsp + 8 is 16-byte aligned
        regs.Rip = function;
        regs.Rax = 0;
        regs.OrigRax = ulong.MaxValue;
        memory.Write(regs.Rsp, BitConverter.GetBytes(trapAddress));
        Ptrace.SetRegisters(thread.Tid, regs);
        try
        {
            for (int stop = 0; stop < MaxStops; stop++)
            {
                if (!Ptrace.TryContinue(thread.Tid, 0))
                {
                    break;
                }

                WaitStatus status = process.WaitFor(thread);
                if (status.IsGone)
                {
                    throw new SutureException($"thread {thread.Tid} of process {process.Pid} exited while running 0x{function:x} for suture");
                }

                UserRegs after = Ptrace.GetRegisters(thread.Tid);
                if (status.IsSignalDeliveryStop && status.StopSignal == Ptrace.SigTrap && after.Rip == trapAddress + 1)
                {
                    return after.Rax;
                }

                if (status.IsSignalDeliveryStop && status.StopSignal != Ptrace.SigTrap)
                {
                    thread.KeepSignal(status.StopSignal);
                }
                else if (status.IsSignalDeliveryStop)
                {
                    throw new SutureException($"call of 0x{function:x} in process {process.Pid} stopped at 0x{after.Rip:x} instead of returning");
                }
            }

            throw new SutureException($"call of 0x{function:x} in process {process.Pid} did not return");
        }
        finally
        {
            if (thread.IsAlive)
            {
                Ptrace.SetRegisters(thread.Tid, saved);
            }
        }
    }
}
