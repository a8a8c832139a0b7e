using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const long SYS_futex = 202; // x86-64
    internal const int FUTEX_WAIT_PRIVATE = 128; // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
    internal const int FUTEX_WAKE_PRIVATE = 129; // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
    internal const int PR_SET_TIMERSLACK = 29;
    internal const int ETIMEDOUT = 110;

    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static unsafe partial long Futex(long number, int* word, int operation, int value, Timespec* timeout, nint unused, int unused2);

    [LibraryImport(Libc, EntryPoint = "nanosleep", SetLastError = true)]
    internal static unsafe partial int NanoSleep(Timespec* duration, Timespec* remaining);

    [LibraryImport(Libc, EntryPoint = "prctl", SetLastError = true)]
    internal static partial int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);
}
