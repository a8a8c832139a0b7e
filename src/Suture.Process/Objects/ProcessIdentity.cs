using System.Globalization;

namespace Suture.Process.Objects;

/// <summary>
/// What tells a process apart from an earlier process with the same pid, and whether its map may
/// have changed, from /proc/PID/stat alone: its start time (clock ticks after boot, proc(5) field
/// 22; exec keeps it, a new process with a reused pid has another) and its virtual size (field 23;
/// every mmap and munmap, so every library loaded or unloaded and every patch applied or reverted,
/// changes it). One small read per process instead of its whole map.
/// </summary>
public readonly record struct ProcessIdentity(ulong StartTime, ulong VirtualSize)
{
    /// <summary>The identity of process <paramref name="pid"/> now, or null when it has exited.</summary>
    public static ProcessIdentity? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return Parse(text);
    }

    /// <summary>Parses "pid (comm) state …"; comm may hold spaces and parentheses, so fields count from the last ')'.</summary>
    public static ProcessIdentity? Parse(string text)
    {
        int close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        string[] fields = text[(close + 2)..].TrimEnd('\n').Split(' ');
        // Field numbers of proc(5) minus 3: starttime is field 22, vsize 23.
        return fields.Length > 20
            && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong start)
            && ulong.TryParse(fields[20], NumberStyles.None, CultureInfo.InvariantCulture, out ulong size)
            ? new ProcessIdentity(start, size)
            : null;
    }
}
