using System.Globalization;

namespace Suture.Process.Events;

/// <summary>
/// The few fields of /proc/PID/stat suture reads: state, parent, start time, virtual size and (for a
/// zombie) the wait status. The one reader of that file (a rescan, <see cref="Objects.ProcessIdentity"/>).
/// </summary>
internal readonly record struct ProcStat(char State, int ParentPid, ulong StartTime, ulong? VirtualSize, int? ExitStatus)
{
    public static ProcStat? Read(int pid)
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

    /// <summary>Parses "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so fields count from the last ')'.</summary>
    public static ProcStat? Parse(string text)
    {
        int close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        string[] fields = text[(close + 2)..].TrimEnd('\n').Split(' ');
        // Field numbers of proc(5) minus 3: state is field 3, ppid 4, starttime 22, vsize 23, exit_code 52.
        if (fields.Length < 20 || fields[0].Length != 1
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent)
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong start))
        {
            return null;
        }

        ulong? size = fields.Length > 20 && ulong.TryParse(fields[20], NumberStyles.None, CultureInfo.InvariantCulture, out ulong vsize) ? vsize : null;
        int? status = fields.Length > 49 && int.TryParse(fields[49], NumberStyles.None, CultureInfo.InvariantCulture, out int code) ? code : null;
        return new ProcStat(fields[0][0], parent, start, size, status);
    }
}
