namespace Suture.Agent;

/// <summary>The loop's work (skeleton: filled in by the following commits).</summary>
internal sealed class AgentEngine(AgentLoop loop) : IDisposable
{
    public bool IsWatched(int pid) => pid < 0 && loop.Config.WatchWindowSeconds < 0;

    public void RunLoop(CancellationToken stop)
    {
        while (loop.WaitForWork(TimeSpan.FromSeconds(loop.Config.IntervalSeconds), stop))
        {
            while (loop.TryTakeNewProcess(out _) || loop.TryTakeExit(out _))
            {
            }
        }
    }

    public CycleSummary Cycle(bool force, CancellationToken cancel) => throw new SutureException($"agent check is not implemented yet ({force}, {cancel.IsCancellationRequested}, {loop.Config.Mode})", ExitCode.Failure);

    public void Dispose()
    {
    }
}
