using Suture.Agent.Cache;
using Suture.Agent.Inventory;
using Suture.Patching.Engine.Fleet;
using Suture.Patching.Engine.Operations;
using Suture.Patching.State;
using Suture.Process.Tracing;
using Suture.Protocol;

namespace Suture.Agent.Applying;

/// <summary>
/// Applies and reverts on one process with the engine <c>apply -p all</c> uses (in process, on
/// the agent's one tracer thread), under the same consistency model; turns each outcome into the
/// protocol's per-process result.
/// </summary>
internal sealed class ProcessPatcher(Tracer tracer, Func<CancellationToken, OperationOptions> options)
{
    /// <summary>What happened to one process.</summary>
    public sealed record Outcome(int Pid, string Command, ResultAction Action, ResultOutcome Result, string Message, ExitCode Code)
    {
        public bool IsBusy => Code == ExitCode.Busy;
    }

    public Outcome Apply(int pid, VerifiedPatch patch, CancellationToken cancel)
    {
        OperationOptions with = options(cancel) with
        {
            Signers = new Dictionary<string, PatchSigner>(StringComparer.Ordinal) { [patch.Document.Sha256] = patch.Signer },
        };
        FleetResult result = tracer.Run(() => FleetApplier.ApplyOne(pid, patch.Document.Patch, patch.Document.Sha256, with));
        ResultOutcome outcome = result.Outcome switch
        {
            FleetOutcome.Patched or FleetOutcome.AlreadyPatched => ResultOutcome.Succeeded,
            FleetOutcome.Exited => ResultOutcome.Exited,
            _ when result.ExitCode == ExitCode.Busy => ResultOutcome.Busy,
            _ => ResultOutcome.Failed,
        };
        string message = result.Outcome == FleetOutcome.Patched ? $"{patch.Id} level {patch.Level} applied" : result.Detail;
        return new Outcome(pid, result.Name, ResultAction.Apply, outcome, message, result.ExitCode);
    }

    /// <summary>
    /// Reverts the object in the process down to <paramref name="level"/> (0: the original code),
    /// level by level; then applies <paramref name="target"/> if the process ends below it (a
    /// superseded level that was no longer loaded).
    /// </summary>
    public Outcome RevertTo(ProcessReader reader, int pid, string buildId, int level, VerifiedPatch? target, CancellationToken cancel)
    {
        string command = ThreadList.Name(pid, pid);
        try
        {
            for (int step = 0; step < 64; step++)
            {
                ProcessView? view = reader.Read(pid);
                if (view is null)
                {
                    return new Outcome(pid, command, ResultAction.Revert, ResultOutcome.Exited, "the process exited", ExitCode.NoSuchProcess);
                }

                AppliedPatch? active = view.Active(buildId);
                if (active is null || active.Level <= level)
                {
                    if (target is not null && (active?.Level ?? 0) < target.Level)
                    {
                        Outcome applied = Apply(pid, target, cancel);
                        return applied with { Action = ResultAction.Revert };
                    }

                    return new Outcome(pid, command, ResultAction.Revert, ResultOutcome.Succeeded, $"runs level {active?.Level ?? 0}", ExitCode.Success);
                }

                OperationOptions with = options(cancel);
                tracer.Run(() => PatchReverter.Revert(pid, active.PatchId, with));
            }

            return new Outcome(pid, command, ResultAction.Revert, ResultOutcome.Failed, "more than 64 levels to revert", ExitCode.Failure);
        }
        catch (SutureException e) when (!ExceptionChain.Any(e, inner => inner is ThreadsNotReleasedException)) // else the agent must exit, so the kernel lets them go
        {
            ResultOutcome outcome = e.ExitCode switch
            {
                ExitCode.NoSuchProcess => ResultOutcome.Exited,
                ExitCode.Busy => ResultOutcome.Busy,
                _ when !Directory.Exists($"/proc/{pid}") => ResultOutcome.Exited,
                _ => ResultOutcome.Failed,
            };
            return new Outcome(pid, command, ResultAction.Revert, outcome, e.Message, e.ExitCode);
        }
    }
}
