using System.Globalization;
using System.Text.RegularExpressions;
using Suture.TestSupport;

namespace Suture.Process.Tests.Unwinding;

/// <summary>Runs <c>gdb -p PID -batch -ex 'thread apply all bt'</c> and parses the frames of each thread.</summary>
internal static partial class GdbBacktrace
{
    /// <summary>Per LWP, the frames gdb printed: a pc, or null for "&lt;signal handler called&gt;". Inline frames (no pc) are left out.</summary>
    public static Dictionary<int, List<ulong?>> Read(int pid)
    {
        ToolResult result = Tool.Run("gdb",
            ["-p", pid.ToString(CultureInfo.InvariantCulture), "-batch", "-nx",
             "-ex", "set debuginfod enabled off", "-ex", "set backtrace past-main on", "-ex", "thread apply all bt"],
            timeout: TimeSpan.FromSeconds(60));
        var threads = new Dictionary<int, List<ulong?>>();
        List<ulong?>? current = null;
        foreach (string line in result.Stdout.Split('\n'))
        {
            Match thread = ThreadLine().Match(line);
            if (thread.Success)
            {
                current = threads[int.Parse(thread.Groups[1].Value, CultureInfo.InvariantCulture)] = [];
                continue;
            }

            Match frame = FrameLine().Match(line);
            if (current is not null && frame.Success)
            {
                current.Add(ulong.Parse(frame.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
            else if (current is not null && line.Contains("<signal handler called>", StringComparison.Ordinal))
            {
                current.Add(null);
            }
        }

        return threads.Count > 0 ? threads : throw new InvalidOperationException($"gdb printed no threads:\n{result}");
    }

    [GeneratedRegex(@"^Thread \d+ \(.*\(LWP (\d+)\)")]
    private static partial Regex ThreadLine();

    [GeneratedRegex(@"^#\d+\s+0x([0-9a-f]+) in ")]
    private static partial Regex FrameLine();
}
