using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const int CLOCK_THREAD_CPUTIME_ID = 3;
    internal const int RUSAGE_THREAD = 1;

    /// <summary>struct rusage (x86-64): two timevals and fourteen longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss;
        public long SharedRss;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntarySwitches;
        public long InvoluntarySwitches;
    }

    [LibraryImport(Libc, EntryPoint = "clock_gettime", SetLastError = true)]
    internal static unsafe partial int ClockGetTime(int clock, Timespec* time);

    [LibraryImport(Libc, EntryPoint = "getrusage", SetLastError = true)]
    internal static unsafe partial int GetRusage(int who, Rusage* usage);
}
