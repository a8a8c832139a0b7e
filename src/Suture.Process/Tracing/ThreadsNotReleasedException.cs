namespace Suture.Process.Tracing;

/// <summary>
/// A stopped thread could not be detached, even on a second try. It stays stopped until suture
/// exits (the kernel then detaches every tracee), so whoever catches this must not go on to other
/// work: the fleet apply stops and suture exits.
/// </summary>
public sealed class ThreadsNotReleasedException : SutureException
{
    public ThreadsNotReleasedException(int pid, IReadOnlyList<(int Tid, string Failure)> threads)
        : this(pid, threads, done: null, inner: null)
    {
    }

    private ThreadsNotReleasedException(int pid, IReadOnlyList<(int Tid, string Failure)> threads, string? done, Exception? inner)
        : base(
            $"{(done is null ? "" : done + ", but ")}{(inner is null ? "" : $"after {inner.Message}: ")}could not let {string.Join(", ", threads.Select(t => $"thread {t.Tid} ({t.Failure})"))} of process {pid} run again; every other thread runs; suture exits now so that the kernel releases it",
            ExitCode.Failure,
            inner)
    {
        Pid = pid;
        Threads = threads;
        Committed = done is not null;
    }

    public int Pid { get; }

    public IReadOnlyList<(int Tid, string Failure)> Threads { get; }

    /// <summary>True when the change the process was stopped for was made (it must not be undone by unmapping).</summary>
    public bool Committed { get; }

    /// <summary>The same failure, after the change was made (<paramref name="done"/> says what).</summary>
    public ThreadsNotReleasedException AfterCommit(string done) => new(Pid, Threads, done, InnerException);

    /// <summary>The same failure, met while backing out of <paramref name="failure"/>.</summary>
    public ThreadsNotReleasedException After(Exception failure) => new(Pid, Threads, null, failure);
}
