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

    internal void ForgetSignals() => _pendingSignals.Clear();
}
