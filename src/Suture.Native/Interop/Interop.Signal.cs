using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const int SIGKILL = 9;
    internal const int SIGTRAP = 5;
    internal const int SIGSTOP = 19;

    [LibraryImport(Libc, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport(Libc, EntryPoint = "tgkill", SetLastError = true)]
    internal static partial int TgKill(int tgid, int tid, int signal);
}
