using System.Globalization;

namespace Suture.Process.Tracing;

/// <summary>
/// The fields of a <c>/proc/PID/status</c> or <c>/proc/PID/task/TID/status</c> file ("Name:
/// value" lines, proc(5)), read once: the one reader of that format.
/// </summary>
public sealed class ProcStatus
{
    private readonly Dictionary<string, string> _fields;

    private ProcStatus(Dictionary<string, string> fields) => _fields = fields;

    /// <summary>A status without fields, for a file that could not be read.</summary>
    public static ProcStatus Empty { get; } = new([]);

    /// <summary>The status of process <paramref name="pid"/>, or null when it cannot be read (gone, or not permitted).</summary>
    public static ProcStatus? ReadProcess(int pid) => Read($"/proc/{pid}/status");

    /// <summary>The status of thread <paramref name="tid"/> of <paramref name="pid"/>, or null when it cannot be read.</summary>
    public static ProcStatus? ReadThread(int pid, int tid) => Read($"/proc/{pid}/task/{tid}/status");

    /// <summary>suture's own status.</summary>
    public static ProcStatus? ReadSelf() => Read("/proc/self/status");

    /// <summary>Decodes the text of a status file; lines without a colon are skipped.</summary>
    public static ProcStatus Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields.TryAdd(line[..colon], line[(colon + 1)..].Trim());
            }
        }

        return new ProcStatus(fields);
    }

    /// <summary>The value of <paramref name="name"/> (without the colon), trimmed; null when absent.</summary>
    public string? Field(string name) => _fields.GetValueOrDefault(name);

    /// <summary>A decimal field (Tgid, TracerPid); 0 when absent or not a number.</summary>
    public int Number(string name) =>
        int.TryParse(Field(name), NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : 0;

    /// <summary>A hexadecimal mask field (CapEff, CapPrm); 0 when absent or not a number.</summary>
    public ulong Mask(string name) =>
        ulong.TryParse(Field(name), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong mask) ? mask : 0;

    /// <summary>The first of the tab-separated values of a field (the real id of Uid and Gid); empty when absent.</summary>
    public string First(string name) => Field(name)?.Split('\t', ' ')[0] ?? "";

    private static ProcStatus? Read(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
