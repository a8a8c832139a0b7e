using Suture.Native;

namespace Suture.Process.Tracing;

/// <summary>A thread of a stopped process, with the signal to re-deliver when it resumes.</summary>
public sealed class TracedThread
{
    private readonly List<int> _pendingSignals = [];

    internal TracedThread(int tid)
    {
        Tid = tid;
    }

    public int Tid { get; }

    /// <summary>Signals that arrived while Suture held the thread, in order; delivered on resume.</summary>
    public IReadOnlyList<int> PendingSignals => _pendingSignals;

    /// <summary>False once the thread has exited while stopped.</summary>
    public bool IsAlive => Hold != ThreadHold.Gone;

    /// <summary>True while the thread is in a ptrace stop Suture can work with.</summary>
    public bool IsStopped => Hold == ThreadHold.Held;

    internal ThreadHold Hold { get; set; } = ThreadHold.Pending;

    internal void KeepSignal(int signal) => _pendingSignals.Add(signal);

    /// <summary>
    /// Records a stop the thread reported while suture waited for it to stop: it has gone, or it
    /// is held (keeping a signal it was about to receive, for delivery on resume). Returns the tid
    /// of the thread it created when the stop is a clone event (the kernel attached that thread
    /// too, its first stop on its way), else 0.
    /// </summary>
    internal int OnStop(WaitStatus status)
    {
        if (status.IsGone)
        {
            Hold = ThreadHold.Gone;
            return 0;
        }

        Hold = ThreadHold.Held;
        if (status.IsCloneEvent)
        {
            return (int)Ptrace.GetEventMessage(Tid);
        }

        if (status.IsSignalDeliveryStop)
        {
            KeepSignal(status.StopSignal);
        }

        return 0;
    }

    internal void ForgetSignals() => _pendingSignals.Clear();
}
