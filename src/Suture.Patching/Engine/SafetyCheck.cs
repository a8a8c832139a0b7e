using Suture.Native;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine;

/// <summary>
/// The consistency check run while every thread is stopped: a change is safe only when no thread
/// executes code in a range that changes. This first version inspects each thread's instruction
/// pointer; the full stack walk is tracked separately.
/// </summary>
public static class SafetyCheck
{
    public static IReadOnlyList<BusyThread> FindBusyThreads(StoppedProcess process, IReadOnlyList<CodeRange> ranges)
    {
        var busy = new List<BusyThread>();
        foreach (TracedThread thread in process.Threads)
        {
            UserRegs regs = process.GetRegisters(thread);
            foreach (CodeRange range in ranges)
            {
                if (range.Contains(regs.Rip))
                {
                    busy.Add(new BusyThread(thread.Tid, ThreadList.Name(process.Pid, thread.Tid), range.Name, regs.Rip));
                }
            }
        }

        return busy;
    }
}
