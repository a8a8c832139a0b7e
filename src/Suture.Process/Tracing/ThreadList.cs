using System.Globalization;

namespace Suture.Process.Tracing;

/// <summary>Reads the thread ids and tracer of a process from /proc.</summary>
public static class ThreadList
{
    public static int[] Read(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task")
                .Select(path => int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out int tid) ? tid : 0)
                .Where(tid => tid > 0)
                .ToArray();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The pid tracing <paramref name="pid"/> (TracerPid in /proc/PID/status), 0 if none.</summary>
    public static int TracerPid(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("TracerPid:", StringComparison.Ordinal))
                {
                    return int.Parse(line.AsSpan(10).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>
    /// The process a thread id belongs to (Tgid in /proc/ID/status; equal to the id for a process),
    /// or 0 when there is no such task.
    /// </summary>
    public static int ThreadGroup(int id) => StatusField($"/proc/{id}/status", "Tgid:");

    /// <summary>Every thread of <paramref name="pid"/> that a tracer is attached to, with the tracer's pid.</summary>
    public static IReadOnlyList<(int Tid, int Tracer)> Tracers(int pid)
    {
        var result = new List<(int, int)>();
        foreach (int tid in Read(pid).Order())
        {
            int tracer = StatusField($"/proc/{pid}/task/{tid}/status", "TracerPid:");
            if (tracer != 0)
            {
                result.Add((tid, tracer));
            }
        }

        return result;
    }

    private static int StatusField(string path, string field)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return int.TryParse(line.AsSpan(field.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : 0;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return 0;
    }

    /// <summary>Whether a thread is asleep in the kernel (state S or D in /proc/PID/task/TID/stat).</summary>
    public static bool IsSleeping(int pid, int tid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");
            int end = stat.LastIndexOf(')');
            return end > 0 && end + 2 < stat.Length && stat[end + 2] is 'S' or 'D';
        }
        catch (IOException)
        {
            return false;
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
