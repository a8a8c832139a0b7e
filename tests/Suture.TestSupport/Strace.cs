namespace Suture.TestSupport;

/// <summary>
/// Runs the suture command under strace: to count its system calls of one kind, or to SIGKILL it
/// at the N-th one (fault injection delivers the signal on entry, so that call never happens).
/// </summary>
public static class Strace
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs <c>suture ARGUMENTS</c> to completion and counts its calls of <paramref name="syscall"/> (all threads).</summary>
    public static (ToolResult Result, int Calls) Count(string syscall, params string[] arguments)
    {
        string log = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"suture-strace-{Guid.NewGuid():N}.log");
        try
        {
            ToolResult result = Tool.Run("strace", ["-f", "-qq", "-o", log, "-e", $"trace={syscall}", "-e", "signal=none", SutureCli.Path, .. arguments], timeout: Timeout);
            int calls = File.ReadLines(log).Count(l => l.Contains(syscall + "(", StringComparison.Ordinal));
            return (result, calls);
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>Runs <c>suture ARGUMENTS</c> and kills it with SIGKILL on entry to its <paramref name="n"/>-th call of <paramref name="syscall"/>.</summary>
    public static ToolResult KillAt(string syscall, int n, params string[] arguments) =>
        Tool.Run("strace", ["-f", "-qq", "-o", "/dev/null", "-e", $"inject={syscall}:signal=KILL:when={n}", SutureCli.Path, .. arguments], timeout: Timeout);
}
