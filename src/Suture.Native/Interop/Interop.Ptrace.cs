using System.Runtime.InteropServices;

namespace Suture.Native;

internal static partial class Interop
{
    internal const int PTRACE_PEEKDATA = 2;
    internal const int PTRACE_POKEDATA = 5;
    internal const int PTRACE_CONT = 7;
    internal const int PTRACE_GETREGS = 12;
    internal const int PTRACE_SETREGS = 13;
    internal const int PTRACE_DETACH = 17;
    internal const int PTRACE_SYSCALL = 24;
    internal const int PTRACE_SETOPTIONS = 0x4200;
    internal const int PTRACE_GETREGSET = 0x4204;
    internal const int PTRACE_GETSIGMASK = 0x420a;
    internal const int NT_X86_XSTATE = 0x202;
    internal const int PTRACE_GETEVENTMSG = 0x4201;
    internal const int PTRACE_SEIZE = 0x4206;
    internal const int PTRACE_INTERRUPT = 0x4207;

    internal const int PTRACE_O_TRACESYSGOOD = 1;
    internal const int PTRACE_O_TRACECLONE = 1 << 3;

    internal const int PTRACE_EVENT_CLONE = 3;
    internal const int PTRACE_EVENT_STOP = 128;

    /// <summary>glibc's ptrace; requests for a tracee must come from the thread that seized it.</summary>
    [LibraryImport(Libc, EntryPoint = "ptrace", SetLastError = true)]
    internal static partial long Ptrace(long request, int pid, nint address, nint data);
}
