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
    /// <summary>Call on the tracer thread.</summary>
    public static IReadOnlyList<FleetResult> ApplyAll(PatchFile patch, string patchSha256, OperationOptions options, Action<FleetResult> progress)
    {
        string? refusal = UnwindTableCheck.Refusal(patch); // once, not once per process
        var cache = new BuildIdCache();
        var results = new List<FleetResult>();
        foreach (int pid in ProcessScanner.FindMapping(patch.Target.BuildId, cache))
        {
            if (options.Cancellation.IsCancellationRequested)
            {
                break;
            }

            FleetResult result = ApplyOne(pid, patch, patchSha256, options, refusal);
            results.Add(result);
            progress(result);
        }

        return results;
    }

    internal static FleetResult ApplyOne(int pid, PatchFile patch, string sha, OperationOptions options) =>
        ApplyOne(pid, patch, sha, options, UnwindTableCheck.Refusal(patch));

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
                _ when !Directory.Exists($"/proc/{pid}") => FleetOutcome.Exited, // it died while suture held it
                _ => FleetOutcome.NotPatchable,
            };
            return new FleetResult(pid, name, outcome, e.Message, e.ExitCode);
        }
    }

    private static bool LeftThreadsStopped(Exception e) => ExceptionChain.Any(e, inner => inner is ThreadsNotReleasedException);
}
