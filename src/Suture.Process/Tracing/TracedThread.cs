namespace Suture.Process.Tracing;

/// <summary>A thread of a stopped process, with the signal to re-deliver when it resumes.</summary>
public sealed class TracedThread
{
    internal TracedThread(int tid)
    {
        Tid = tid;
    }

    public int Tid { get; }

    private readonly List<int> _pendingSignals = [];

    /// <summary>Signals that arrived while Suture held the thread, in order; delivered on resume.</summary>
    public IReadOnlyList<int> PendingSignals => _pendingSignals;

    /// <summary>False once the thread has exited while stopped.</summary>
    public bool IsAlive { get; internal set; } = true;

    internal void KeepSignal(int signal) => _pendingSignals.Add(signal);
}
