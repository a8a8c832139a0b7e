using System.Diagnostics;
using Suture.Patching.Engine.Operations;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Safety;

/// <summary>
/// Stops the whole process and runs an action when no thread is busy in the given code ranges;
/// otherwise resumes it, waits with backoff and tries again until the timeout, then refuses with
/// the busy threads named. The process is resumed on every path.
/// </summary>
internal static class QuiescentStop
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ShortestStop = TimeSpan.FromMilliseconds(100);

    /// <param name="watch">
    /// When given, threads busy only because a frame of theirs has not returned yet are let run to
    /// that return and caught there (<see cref="ReturnWatch"/>), instead of waiting for a moment at
    /// which they happen to be outside.
    /// </param>
    public static T Run<T>(int pid, string what, IReadOnlyList<CodeRange> ranges, OperationOptions options, IStackWalker walker, Func<IReadOnlyList<ThreadRegisters>>? coroutines, Func<StoppedProcess, T> action, ReturnWatch? watch = null)
    {
        try
        {
            return RunRounds(pid, what, ranges, options, walker, coroutines, action, watch);
        }
        finally
        {
            watch?.Release(); // after the last stop put every watched thread back
        }
    }

    private static T RunRounds<T>(int pid, string what, IReadOnlyList<CodeRange> ranges, OperationOptions options, IStackWalker walker, Func<IReadOnlyList<ThreadRegisters>>? coroutines, Func<StoppedProcess, T> action, ReturnWatch? watch)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan delay = FirstDelay;
        int attempts = 0;
        while (true)
        {
            if (options.Cancellation.IsCancellationRequested)
            {
                Disarm(pid, watch);
                throw new SutureException($"{what} of process {pid} interrupted; the process was left unchanged", ExitCode.Interrupted);
            }

            attempts++;
            StoppedProcess stopped = StopAll(pid, what, options, clock.Elapsed);
            List<ThreadVerdict> busy;
            T result = default!;
            bool armed = false;
            try
            {
                watch?.Settle(stopped); // threads caught at their return stand there now
                busy = SafetyCheck.Inspect(stopped, ranges, walker, coroutines).Where(v => !v.IsSafe).ToList();
                if (busy.Count == 0)
                {
                    // The commit point: a SIGINT/SIGTERM noticed before it backs out, one after it
                    // lets the change finish (reported as done, see docs/consistency.md).
                    if (options.Cancellation.IsCancellationRequested)
                    {
                        throw new SutureException($"{what} of process {pid} interrupted; the process was left unchanged", ExitCode.Interrupted);
                    }

                    result = action(stopped);
                }
                else
                {
                    armed = clock.Elapsed + delay < options.Timeout && watch is not null && watch.Arm(stopped, busy, ranges);
                }
            }
            catch (Exception failure)
            {
                Resume(stopped, failure);
                throw;
            }

            try
            {
                stopped.Resume();
            }
            catch (ThreadsNotReleasedException e) when (busy.Count == 0)
            {
                throw e.AfterCommit($"{what} of process {pid} was done");
            }

            if (busy.Count == 0)
            {
                return result;
            }

            if (armed)
            {
                watch!.WaitForReturns(options.Timeout - clock.Elapsed, options.Cancellation);
                continue;
            }

            if (watch is { NeedsPage: true } && clock.Elapsed + delay < options.Timeout && watch.Prepare())
            {
                continue; // stop again at once and watch
            }

            if (clock.Elapsed + delay > options.Timeout)
            {
                throw new SutureException(
                    $"{what} of process {pid} refused: still busy after {attempts} attempts in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join("; ", SafetyCheck.Named(pid, busy))}; the process is unchanged; try again later or raise --timeout",
                    ExitCode.Busy);
            }

            options.Cancellation.WaitHandle.WaitOne(delay); // a signal ends the pause at once
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
        }
    }

    /// <summary>Puts back what a watch changed before giving up; the threads run again afterwards.</summary>
    private static void Disarm(int pid, ReturnWatch? watch)
    {
        if (watch is null || watch.Count == 0)
        {
            return;
        }

        using StoppedProcess stopped = StoppedProcess.Stop(pid);
        watch.Settle(stopped);
    }

    /// <summary>Resumes after <paramref name="failure"/>; a thread that cannot be let go is reported together with it.</summary>
    private static void Resume(StoppedProcess stopped, Exception failure)
    {
        try
        {
            stopped.Resume();
        }
        catch (ThreadsNotReleasedException e)
        {
            throw e.After(failure);
        }
    }

    /// <summary>
    /// Stops every thread within what is left of the timeout (at least <see cref="ShortestStop"/>,
    /// so a nearly spent budget does not fail an ordinary stop); a thread that does not stop in
    /// time ends the operation, since the budget is then spent.
    /// </summary>
    private static StoppedProcess StopAll(int pid, string what, OperationOptions options, TimeSpan elapsed)
    {
        TimeSpan left = options.Timeout - elapsed;
        try
        {
            return StoppedProcess.Stop(pid, left > ShortestStop ? left : ShortestStop, options.Cancellation);
        }
        catch (ThreadsNotStoppedException e)
        {
            throw new SutureException($"{what} of process {pid} refused: {e.Message}", ExitCode.Busy, e);
        }
        catch (SutureException e) when (e.ExitCode == ExitCode.Interrupted)
        {
            throw new SutureException($"{what} of process {pid} interrupted while its threads were being stopped; every thread runs again and the process was left unchanged", ExitCode.Interrupted, e);
        }
    }
}
