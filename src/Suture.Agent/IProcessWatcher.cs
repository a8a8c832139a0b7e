namespace Suture.Agent;

/// <summary>
/// A source of process events for the agent (exec/fork/exit from the kernel's process connector,
/// a /proc rescan; src/Suture.Agent/Watching). <see cref="AgentLoop.Run"/> starts each one and
/// disposes it when the loop ends; a watcher calls <see cref="AgentLoop.OnNewProcess"/> and
/// <see cref="AgentLoop.OnProcessExit"/> from any thread, and must return from both quickly.
/// </summary>
internal interface IProcessWatcher : IDisposable
{
    /// <summary>Starts watching (on a thread of its own); <paramref name="stop"/> ends it.</summary>
    void Start(AgentLoop loop, CancellationToken stop);
}
