namespace Suture.Native;

/// <summary>Short sleeps with microsecond resolution for the tracer's polls, and the timer slack that makes them short.</summary>
internal static class Pause
{
    /// <summary>Sleeps for about <paramref name="microseconds"/> (the thread is off the CPU meanwhile).</summary>
    public static unsafe void Microseconds(int microseconds)
    {
        Interop.Timespec duration = new() { Seconds = microseconds / 1_000_000, Nanoseconds = microseconds % 1_000_000 * 1000L };
        _ = Interop.NanoSleep(&duration, null); // an early wake (EINTR) only means an earlier poll
    }

    /// <summary>
    /// Lets the kernel wake this thread's timed sleeps within 1 µs of their end instead of the
    /// default 50 µs slack (per thread; prctl PR_SET_TIMERSLACK). Best effort.
    /// </summary>
    public static void TightenTimerSlack() => _ = Interop.Prctl(Interop.PR_SET_TIMERSLACK, 1000, 0, 0, 0);
}
