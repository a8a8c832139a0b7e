using System.Runtime.InteropServices;

namespace Suture.Bench;

/// <summary>The few libc calls the harness needs.</summary>
internal static partial class Native
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
