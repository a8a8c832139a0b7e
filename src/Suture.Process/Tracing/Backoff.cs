using System.Diagnostics;

namespace Suture.Process.Tracing;

/// <summary>
/// Pauses between polls of something that usually happens within microseconds (a thread
/// reporting its stop, a remote system call returning): yields for the first 2 ms of a wait, so
/// an ordinary stop is seen at once and the target is not held a millisecond longer than needed,
/// then 1 ms sleeps, so a long wait costs no CPU and still ends within about a millisecond of the
/// event, a deadline or a cancellation.
/// </summary>
internal static class Backoff
{
    private static readonly TimeSpan YieldFor = TimeSpan.FromMilliseconds(2);

    /// <summary>Pauses once in a wait that began at <paramref name="started"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void Pause(long started)
    {
        if (Stopwatch.GetElapsedTime(started) < YieldFor)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }
    }
}
