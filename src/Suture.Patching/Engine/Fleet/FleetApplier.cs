using Suture.Format;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Engine.Unwind;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Fleet;

/// <summary>
/// Applies a patch to every process that maps an object with the patch's Build ID (by the note in
/// memory, cached per device and inode; never by path). Each process is handled on its own: one
/// that is busy, exited or forbids new code does not stop the others.
/// </summary>
public static class FleetApplier
{
    /// <summary>
    /// Call on the tracer thread. The processes are handled on up to <see cref="TracerPool.DefaultThreads"/>
    /// tracer threads at once, each process wholly on one of them; <paramref name="progress"/> gets
    /// each result as it comes (one at a time), and the list is in pid order.
    /// </summary>
    public static IReadOnlyList<FleetResult> ApplyAll(PatchFile patch, string patchSha256, OperationOptions options, Action<FleetResult> progress) =>
        ApplyAll(patch, patchSha256, options, progress, TracerPool.DefaultThreads);

    /// <inheritdoc cref="ApplyAll(PatchFile, string, OperationOptions, Action{FleetResult})"/>
    /// <exception cref="SutureException">The patch's unwind table is unusable (exit 6): refused once, before any process is looked at.</exception>
    public static IReadOnlyList<FleetResult> ApplyAll(PatchFile patch, string patchSha256, OperationOptions options, Action<FleetResult> progress, int tracers)
    {
        UnwindTableCheck.Verify(patch, "apply -p all refused"); // the patch's fault, not a process's: once, before any process
        return ApplyAllVerified(patch, patchSha256, options, progress, tracers);
    }

    /// <summary><see cref="ApplyAll(PatchFile, string, OperationOptions, Action{FleetResult}, int)"/> of a patch whose unwind table <see cref="UnwindTableCheck"/> has passed.</summary>
    internal static IReadOnlyList<FleetResult> ApplyAllVerified(PatchFile patch, string patchSha256, OperationOptions options, Action<FleetResult> progress, int tracers)
    {
        var cache = new BuildIdCache();
        IReadOnlyList<int> pids = ProcessScanner.FindMapping(patch.Target.BuildId, cache);
        var results = new List<FleetResult>();
        if (options.Cancellation.IsCancellationRequested)
        {
            return results;
        }

        TracerPool.ForEach(pids, tracers, pid => ApplyOne(pid, patch, patchSha256, options, refusal: null), result =>
        {
            results.Add(result);
            progress(result);
            return !options.Cancellation.IsCancellationRequested;
        }, options.Cancellation);
        results.Sort((a, b) => a.Pid.CompareTo(b.Pid));
        return results;
    }

    internal static FleetResult ApplyOne(int pid, PatchFile patch, string sha, OperationOptions options) =>
        ApplyOne(pid, patch, sha, options, UnwindTableCheck.Refusal(patch));

    /// <summary><see cref="ApplyOne(int, PatchFile, string, OperationOptions)"/> of a patch whose unwind table <see cref="UnwindTableCheck"/> has passed.</summary>
    internal static FleetResult ApplyOneVerified(int pid, PatchFile patch, string sha, OperationOptions options) =>
        ApplyOne(pid, patch, sha, options, refusal: null);

    /// <param name="refusal">Why the patch's unwind table is unusable (<see cref="UnwindTableCheck.Refusal"/>), or null.</param>
    private static FleetResult ApplyOne(int pid, PatchFile patch, string sha, OperationOptions options, string? refusal)
    {
        string name = ThreadList.Name(pid, pid);
        try
        {
            if (refusal is not null)
            {
                throw UnwindTableCheck.Refused(refusal, $"apply to process {pid} refused");
            }

            var applied = PatchApplier.ApplyChecked(pid, patch, sha, options);
            return new FleetResult(pid, name, FleetOutcome.Patched, $"level {applied.Level}", ExitCode.Success);
        }
        catch (SutureException e) when (!LeftThreadsStopped(e)) // else suture must exit (the kernel then lets them go) instead of moving on
        {
            FleetOutcome outcome = e.ExitCode switch
            {
                ExitCode.AlreadyApplied => FleetOutcome.AlreadyPatched,
                ExitCode.NoSuchProcess => FleetOutcome.Exited,
                _ when HasExited(pid) => FleetOutcome.Exited, // it died while suture held it
                _ => FleetOutcome.NotPatchable,
            };
            return new FleetResult(pid, name, outcome, e.Message, e.ExitCode);
        }
    }

    /// <summary>
    /// True when the process is gone or dying: no thread of it is left but zombies (one killed
    /// while suture held it stays a zombie until its parent reaps it), or a SIGKILL is pending.
    /// </summary>
    private static bool HasExited(int pid)
    {
        if (ThreadList.Read(pid).All(tid => ThreadList.State(pid, tid) is 'Z' or 'X' or '?'))
        {
            return true;
        }

        ProcStatus? status = ProcStatus.ReadProcess(pid);
        const ulong SigKill = 1UL << (9 - 1);
        return status is null || ((status.Mask("ShdPnd") | status.Mask("SigPnd")) & SigKill) != 0;
    }

    private static bool LeftThreadsStopped(Exception e) => ExceptionChain.Any(e, inner => inner is ThreadsNotReleasedException);
}
