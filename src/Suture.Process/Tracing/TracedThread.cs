namespace Suture.Process.Tracing;

/// <summary>A thread of a stopped process, with the signal to re-deliver when it resumes.</summary>
public sealed class TracedThread
{
    internal TracedThread(int tid)
    {
        Tid = tid;
    }

    public int Tid { get; }

    /// <summary>A signal that arrived while Suture held the thread; delivered on resume.</summary>
    public int PendingSignal { get; internal set; }

    /// <summary>False once the thread has exited while stopped.</summary>
    public bool IsAlive { get; internal set; } = true;
}
