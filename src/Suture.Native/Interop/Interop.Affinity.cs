using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    /// <summary>The size of glibc's <c>cpu_set_t</c>: 1,024 CPUs, one bit each.</summary>
    internal const int CpuSetBytes = 128;

    [LibraryImport(Libc, EntryPoint = "sched_getcpu", SetLastError = true)]
    internal static partial int SchedGetCpu();

    [LibraryImport(Libc, EntryPoint = "sched_getaffinity", SetLastError = true)]
    internal static unsafe partial int SchedGetAffinity(int pid, nuint size, byte* mask);

    [LibraryImport(Libc, EntryPoint = "sched_setaffinity", SetLastError = true)]
    internal static unsafe partial int SchedSetAffinity(int pid, nuint size, byte* mask);
}
