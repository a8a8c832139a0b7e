using System.Diagnostics;
using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>
/// Pauses between polls of something that usually happens within microseconds (a thread
/// reporting its stop, a remote system call returning). For the first 50 µs of a wait it only
/// spins (the poll is a non-blocking waitpid, a microsecond), then up to 2 ms it sleeps 20 µs at
/// a time (the tracer thread sets a 1 µs timer slack), then 1 ms at a time: an ordinary stop or
/// remote call is seen the moment it happens without the tracer leaving its core, a long wait
/// costs no CPU, and it still ends within about a millisecond of the event, a deadline or a
/// cancellation.
/// </summary>
/// <remarks>
/// The spin is what keeps a held target's frozen time short: every sleep of the tracer while it
/// holds threads costs a wake-up, and on a busy host possibly a wait for a core, while the target
/// stays frozen (a load phase waits about twenty times, docs/performance.md). It is bounded so
/// that a tracee queued behind the tracer on the same core loses at most 50 µs.
/// It never calls <c>sched_yield</c>: a yielding tracer stays runnable, and when the core it
/// yields is wanted by another task (a busy host, another thread of the target) that task runs a
/// whole time slice (one scheduler tick, 4 ms here) before the tracer looks again, while the
/// target stays frozen. A sleeping tracer leaves the core to the tracee it waits for and is woken
/// by its timer. (A blocking waitpid would wake exactly on the event, but could not be bounded:
/// a thread in uninterruptible sleep may never stop.)
/// </remarks>
internal static class Backoff
{
    private static readonly TimeSpan SpinFor = TimeSpan.FromMicroseconds(50);

    private static readonly TimeSpan ShortFor = TimeSpan.FromMilliseconds(2);

    private const int ShortMicroseconds = 20;

    /// <summary>Pauses once in a wait that began at <paramref name="started"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void Pause(long started)
    {
        TimeSpan waited = Stopwatch.GetElapsedTime(started);
        if (waited < SpinFor)
        {
            Thread.SpinWait(8);
        }
        else if (waited < ShortFor)
        {
            Native.Pause.Microseconds(ShortMicroseconds);
        }
        else
        {
            Thread.Sleep(1);
        }
    }
}
