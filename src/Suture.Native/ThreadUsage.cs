namespace Suture.Native;

/// <summary>
/// The calling thread's CPU time and context switches so far (CLOCK_THREAD_CPUTIME_ID and
/// getrusage RUSAGE_THREAD): what a stretch of work cost the thread itself, apart from the time
/// other tasks held its core. Zeroes when the kernel refuses (never on Linux).
/// </summary>
internal readonly record struct ThreadUsage(long CpuNanoseconds, long VoluntarySwitches, long InvoluntarySwitches)
{
    public static unsafe ThreadUsage Now()
    {
        Interop.Timespec time;
        Interop.Rusage usage;
        long cpu = Interop.ClockGetTime(Interop.CLOCK_THREAD_CPUTIME_ID, &time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : 0;
        return Interop.GetRusage(Interop.RUSAGE_THREAD, &usage) == 0
            ? new ThreadUsage(cpu, usage.VoluntarySwitches, usage.InvoluntarySwitches)
            : new ThreadUsage(cpu, 0, 0);
    }

    public static ThreadUsage operator -(ThreadUsage end, ThreadUsage start) =>
        new(end.CpuNanoseconds - start.CpuNanoseconds, end.VoluntarySwitches - start.VoluntarySwitches, end.InvoluntarySwitches - start.InvoluntarySwitches);
}
