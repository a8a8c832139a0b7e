using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>Reads the thread ids and tracer of a process from /proc.</summary>
public static class ThreadList
{
    /// <summary>
    /// The thread ids of <paramref name="pid"/> (empty when there is no such process), read with
    /// getdents64: a stop reads the list again while the threads are held (<see cref="StoppedProcess"/>).
    /// </summary>
    public static int[] Read(int pid) => NumberedEntries.Read($"/proc/{pid}/task")?.ToArray() ?? [];

    /// <summary>
    /// The process a thread id belongs to (Tgid in /proc/ID/status; equal to the id for a process),
    /// or 0 when there is no such task.
    /// </summary>
    public static int ThreadGroup(int id) => ProcStatus.ReadProcess(id)?.Number("Tgid") ?? 0;

    /// <summary>Every thread of <paramref name="pid"/> that a tracer is attached to, with the tracer's pid.</summary>
    public static IReadOnlyList<(int Tid, int Tracer)> Tracers(int pid)
    {
        var result = new List<(int, int)>();
        foreach (int tid in Read(pid).Order())
        {
            int tracer = ProcStatus.ReadThread(pid, tid)?.Number("TracerPid") ?? 0;
            if (tracer != 0)
            {
                result.Add((tid, tracer));
            }
        }

        return result;
    }

    /// <summary>
    /// Whether a thread is asleep in the kernel in an interruptible wait (state S in
    /// /proc/PID/task/TID/stat): it stops at once when interrupted and loses nothing while held.
    /// A thread in uninterruptible sleep (D) would only stop once the kernel lets it go.
    /// </summary>
    public static bool IsSleeping(int pid, int tid) => State(pid, tid) == 'S';

    /// <summary>The scheduler state of a thread (R, S, D, T, t, Z, ...) from /proc/PID/task/TID/stat, or '?' when it is gone.</summary>
    public static char State(int pid, int tid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");
            int end = stat.LastIndexOf(')');
            return end > 0 && end + 2 < stat.Length ? stat[end + 2] : '?';
        }
        catch (IOException)
        {
            return '?';
        }
    }

    /// <summary>
    /// What a thread is doing, for messages about a thread that does not stop: its state from
    /// /proc/PID/task/TID/stat and the kernel function it waits in (/proc/PID/task/TID/wchan),
    /// e.g. "state D (uninterruptible sleep) in wait_for_vfork_done".
    /// </summary>
    public static string Describe(int pid, int tid)
    {
        char state = State(pid, tid);
        string meaning = state switch
        {
            'R' => "running",
            'S' => "sleeping",
            'D' => "uninterruptible sleep: waiting in the kernel, e.g. for a vfork child, a disk, NFS or FUSE",
            'T' => "stopped",
            't' => "stopped by a tracer",
            'Z' => "zombie",
            'X' => "dead",
            'I' => "idle",
            '?' => "gone",
            _ => "unknown",
        };
        string wchan = WaitChannel(pid, tid);
        return wchan.Length > 0 ? $"state {state} ({meaning}) in {wchan}" : $"state {state} ({meaning})";
    }

    /// <summary>The kernel function a sleeping thread waits in (wchan), or "" when it is not known.</summary>
    private static string WaitChannel(int pid, int tid)
    {
        try
        {
            string wchan = File.ReadAllText($"/proc/{pid}/task/{tid}/wchan").Trim();
            return wchan == "0" ? "" : wchan;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The name of a thread (comm), or "?" when it is gone.</summary>
    public static string Name(int pid, int tid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/task/{tid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
