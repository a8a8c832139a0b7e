using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Suture.Native;

/// <summary>
/// A manual-reset event that a waiting thread sleeps on in the kernel (futex(2)) at once: no
/// spinning and no <c>sched_yield</c> first, unlike the runtime's slim primitives. On a host whose
/// cores are all busy a yield hands the core to another task for a whole time slice, so the thread
/// that should be woken pays milliseconds; a futex wait costs the waker one system call.
/// </summary>
internal sealed unsafe class FutexEvent
{
    /// <summary>0 unset, 1 set. On the pinned heap: the kernel reads it by address.</summary>
    private readonly int[] _word = GC.AllocateArray<int>(1, pinned: true);

    private int* Word => (int*)Unsafe.AsPointer(ref _word[0]);

    public bool IsSet => Volatile.Read(ref _word[0]) == 1;

    /// <summary>Sets the event and wakes every waiter.</summary>
    public void Set()
    {
        if (Interlocked.Exchange(ref _word[0], 1) == 0)
        {
            _ = Interop.Futex(Interop.SYS_futex, Word, Interop.FUTEX_WAKE_PRIVATE, int.MaxValue, null, 0, 0);
        }

        GC.KeepAlive(this); // the word stays valid until the wake has returned
    }

    public void Reset() => Volatile.Write(ref _word[0], 0);

    /// <summary>Waits until the event is set (true) or <paramref name="timeout"/> has passed (false; null: no limit).</summary>
    public bool Wait(TimeSpan? timeout = null)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!IsSet)
        {
            Interop.Timespec relative = default;
            Interop.Timespec* pointer = null;
            if (timeout is TimeSpan total)
            {
                TimeSpan left = total - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                relative.Seconds = left.Ticks / TimeSpan.TicksPerSecond;
                relative.Nanoseconds = left.Ticks % TimeSpan.TicksPerSecond * 100;
                pointer = &relative;
            }

            // Sleeps only while the word is still 0 (the kernel checks it atomically), so a Set
            // between the check above and this call is never missed.
            if (Interop.Futex(Interop.SYS_futex, Word, Interop.FUTEX_WAIT_PRIVATE, 0, pointer, 0, 0) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.EAGAIN && errno != Interop.EINTR && errno != Interop.ETIMEDOUT)
                {
                    throw new NativeCallException("futex(FUTEX_WAIT)", "the tracer's hand-off event", errno);
                }
            }
        }

        return true;
    }
}
