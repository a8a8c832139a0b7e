using System.Diagnostics;
using System.Globalization;
using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// With SUTURE_STOP_LOG=FILE in the environment, one line per stop is appended to FILE after the
/// threads run again: how long suture held them (from the first seize to the last detach) and
/// what of that the tracer thread spent on a core, asleep, or waiting for a core. The benchmark
/// (bench/compare.sh) uses it to tell suture's own share of a frozen time from the scheduler's on
/// a loaded host. Off (no clock is read) without the variable.
/// </summary>
internal sealed class StopLog
{
    public const string EnvironmentVariable = "SUTURE_STOP_LOG";

    private readonly int _collections = GC.CollectionCount(0);
    private ThreadUsage _usage;
    private long _started;
    private long _stopped;
    private long _releasing;

    private StopLog(string path)
    {
        Path = path;
    }

    private string Path { get; }

    /// <summary>A log of the stop starting now, or null when logging is off (read at each stop, before anything is seized).</summary>
    public static StopLog? Start() => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } path ? new StopLog(path) : null;

    /// <summary>The first thread is asked to stop: from here on the process is (partly) frozen.</summary>
    public void Seizing()
    {
        if (_started == 0)
        {
            _started = Stopwatch.GetTimestamp();
            _usage = ThreadUsage.Now();
        }
    }

    /// <summary>Every thread the stop wanted is stopped.</summary>
    public void Stopped() => _stopped = Stopwatch.GetTimestamp();

    /// <summary>The threads are being let go.</summary>
    public void Releasing() => _releasing = Stopwatch.GetTimestamp();

    /// <summary>Appends the line; call once the threads run again. A log that cannot be written is skipped.</summary>
    public void Finish(int pid, bool allThreads, int threads, int calls)
    {
        long end = Stopwatch.GetTimestamp();
        if (_started == 0)
        {
            return; // nothing was seized
        }

        ThreadUsage used = ThreadUsage.Now() - _usage;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"stop pid={pid} kind={(allThreads ? "all" : "one")} threads={threads} held_us={Micro(_started, end)} stopping_us={Micro(_started, _stopped)} working_us={Micro(_stopped, _releasing)} releasing_us={Micro(_releasing, end)} cpu_us={used.CpuNanoseconds / 1000} sleeps={used.VoluntarySwitches} preempted={used.InvoluntarySwitches} calls={calls} gcs={GC.CollectionCount(0) - _collections}\n");
        try
        {
            File.AppendAllText(Path, line);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a diagnostic only
        }
    }

    private static long Micro(long from, long to) => from == 0 || to < from ? -1 : (long)Stopwatch.GetElapsedTime(from, to).TotalMicroseconds;
}
