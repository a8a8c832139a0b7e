namespace Suture.Process.Tracing;

/// <summary>
/// Some threads did not stop within the timeout (typically asleep in the kernel,
/// uninterruptibly); every other thread was resumed and nothing was changed. Exit code 9 (busy).
/// </summary>
public sealed class ThreadsNotStoppedException : SutureException
{
    public ThreadsNotStoppedException(int pid, TimeSpan timeout, IReadOnlyList<(int Tid, string Name, string State)> threads)
        : base(
            $"{Describe(pid, threads)} waited {timeout.TotalSeconds:0.0} s; every other thread was resumed at once and nothing was changed (a late thread is let go the moment it stops); try again when it is out of the kernel, or raise --timeout",
            ExitCode.Busy)
    {
        Pid = pid;
        Threads = threads;
    }

    public int Pid { get; }

    /// <summary>The threads that did not stop, with their name and state (from /proc/PID/task/TID/stat and wchan).</summary>
    public IReadOnlyList<(int Tid, string Name, string State)> Threads { get; }

    private static string Describe(int pid, IReadOnlyList<(int Tid, string Name, string State)> threads) =>
        $"{string.Join(", ", threads.Select(t => $"thread {t.Tid} ({t.Name})"))} of process {pid} did not stop: {string.Join("; ", threads.Select(t => threads.Count == 1 ? $"it is in {t.State}" : $"{t.Tid} is in {t.State}"))};";
}
