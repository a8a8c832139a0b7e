using System.Globalization;

namespace Suture.TestSupport;

/// <summary>The scheduler states of a process's threads, read from /proc as the kernel reports them.</summary>
public static class ThreadStates
{
    /// <summary>The state letter of thread <paramref name="tid"/> of <paramref name="pid"/> (R, S, D, T, t, Z, ...), or null once it is gone.</summary>
    public static char? State(int pid, int tid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");
            int end = stat.LastIndexOf(')'); // the command name may hold ") " itself
            return end > 0 && end + 2 < stat.Length ? stat[end + 2] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Waits until a thread of <paramref name="pid"/> is in uninterruptible sleep (state D); its tid.</summary>
    public static int WaitForUninterruptible(int pid, TimeSpan? timeout = null)
    {
        int sleeper = 0;
        Wait.Until(
            () => (sleeper = Threads(pid).FirstOrDefault(t => State(pid, t) == 'D')) != 0,
            timeout ?? TimeSpan.FromSeconds(20),
            $"a thread of process {pid} in uninterruptible sleep (state D)");
        return sleeper;
    }

    private static IEnumerable<int> Threads(int pid)
    {
        try
        {
            return [.. Directory.GetDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }
}
