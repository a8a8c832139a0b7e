using System.Diagnostics;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine;

/// <summary>
/// Stops the whole process and runs an action when no thread is busy in the given code ranges;
/// otherwise resumes it, waits with backoff and tries again until the timeout, then refuses with
/// the busy threads named. The process is resumed on every path.
/// </summary>
public static class QuiescentStop
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromMilliseconds(100);

    public static T Run<T>(int pid, string what, IReadOnlyList<CodeRange> ranges, OperationOptions options, IStackWalker walker, Func<IReadOnlyList<Native.UserRegs>>? coroutines, Func<StoppedProcess, T> action)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan delay = FirstDelay;
        int attempts = 0;
        while (true)
        {
            if (options.Cancellation.IsCancellationRequested)
            {
                throw new SutureException($"{what} of process {pid} interrupted; the process was left unchanged", ExitCode.Interrupted);
            }

            attempts++;
            List<ThreadVerdict> busy;
            using (StoppedProcess stopped = StoppedProcess.Stop(pid))
            {
                busy = SafetyCheck.Inspect(stopped, ranges, walker, coroutines).Where(v => !v.IsSafe).ToList();
                if (busy.Count == 0)
                {
                    return action(stopped);
                }
            }

            if (clock.Elapsed + delay > options.Timeout)
            {
                throw new SutureException(
                    $"{what} of process {pid} refused: still busy after {attempts} attempts in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join("; ", SafetyCheck.Named(pid, busy))}; the process is unchanged; try again later or raise --timeout",
                    ExitCode.Busy);
            }

            Thread.Sleep(delay);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
        }
    }
}
