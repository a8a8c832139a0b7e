namespace Suture.Native;

/// <summary>
/// Keeps the calling thread on one CPU for a stretch of work, then gives it back the CPUs it had
/// (sched_setaffinity of the thread itself). Best effort: a kernel or cpuset that refuses leaves
/// the thread where the scheduler puts it.
/// </summary>
internal static class CpuAffinity
{
    /// <summary>The CPU the calling thread runs on now, or -1.</summary>
    public static int Current() => Interop.SchedGetCpu();

    /// <summary>
    /// Runs <paramref name="work"/> on the calling thread kept on <paramref name="cpu"/> (nothing
    /// is pinned when it is negative or the kernel refuses), and restores the thread's CPUs after.
    /// </summary>
    public static unsafe void RunOn(int cpu, Action work)
    {
        byte* saved = stackalloc byte[Interop.CpuSetBytes];
        bool pinned = cpu >= 0 && cpu < Interop.CpuSetBytes * 8
            && Interop.SchedGetAffinity(0, Interop.CpuSetBytes, saved) == 0
            && (saved[cpu / 8] & (1 << (cpu % 8))) != 0
            && Pin(cpu);
        try
        {
            work();
        }
        finally
        {
            if (pinned)
            {
                _ = Interop.SchedSetAffinity(0, Interop.CpuSetBytes, saved);
            }
        }
    }

    /// <summary>
    /// Gives the calling thread the CPUs of the process's main thread: a thread started by one kept
    /// on a core (<see cref="RunOn"/>) inherits that one core, and workers meant to run in
    /// parallel must not.
    /// </summary>
    public static unsafe void LikeMainThread()
    {
        byte* mask = stackalloc byte[Interop.CpuSetBytes];
        if (Interop.SchedGetAffinity(Environment.ProcessId, Interop.CpuSetBytes, mask) == 0)
        {
            _ = Interop.SchedSetAffinity(0, Interop.CpuSetBytes, mask);
        }
    }

    private static unsafe bool Pin(int cpu)
    {
        byte* one = stackalloc byte[Interop.CpuSetBytes];
        new Span<byte>(one, Interop.CpuSetBytes).Clear();
        one[cpu / 8] = (byte)(1 << (cpu % 8));
        return Interop.SchedSetAffinity(0, Interop.CpuSetBytes, one) == 0;
    }
}
