using Suture.Patching.Engine.Coroutines;
using Suture.Patching.Engine.Entries;
using Suture.Patching.Engine.Placement;
using Suture.Patching.Engine.Recovery;
using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Status;
using Suture.Patching.Engine.Symbols;
using Suture.Patching.Engine.Unwind;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Operations;

/// <summary>
/// Reverts the active level of a patched object: with every thread stopped and none executing the
/// level's code, each entry goes back to the previous level's jump (if a previous level is still
/// loaded) or to the original bytes, and the records are updated. The reverted level's memory,
/// now unreachable, is unmapped afterwards with one thread stopped.
/// </summary>
public static class PatchReverter
{
    /// <summary>Reverts the patch <paramref name="patchId"/>, or the newest active one. Call on the tracer thread.</summary>
    public static AppliedPatch Revert(int pid, string? patchId, OperationOptions options)
    {
        using OperationContext context = OperationContext.ForChange(pid, options);
        ProcessMemory memory = context.Memory;
        AppliedPatch patch = Choose(pid, patchId, context.Applied);
        AppliedPatch? previous = PatchChain.For(context.Applied, patch.BuildId).Previous;
        SyscallGadgets gadgets = context.Gadgets;
        // The patch's code, and the inside of each entry jump about to be overwritten (a thread
        // exactly at an entry is about to jump and may run whichever bytes are there).
        var ranges = NewCodeRanges.Of(patch, memory)
            .Concat(patch.Functions.Select(f => new CodeRange($"the entry jump of {f.Symbol}", f.EntryAddress + 1, f.EntryAddress + (ulong)f.SavedBytes.Length)))
            .ToList();

        _ = context.Coroutines; // read before the stop, as the walker is
        IStackWalker walker = context.Walker;
        UnwindRegistration? unwinder = !patch.UnwindRegistered ? null
            : UnwindRegistration.Find(pid, context.Resolver)
                ?? throw new SutureException($"patch {patch.PatchId} registered its unwind table in process {pid}, but the unwinder that holds it is no longer found; not reverting", ExitCode.Failure);
        context.WhenQuiescent("revert", ranges, stopped =>
        {
            EntryWriter.WriteOrUndo(memory, $"revert in process {pid}", writer =>
            {
                foreach (AppliedFunction function in patch.Functions)
                {
                    writer.Verify(pid, function, patch);
                }

                foreach (AppliedFunction function in patch.Functions)
                {
                    AppliedFunction? below = previous?.Functions.FirstOrDefault(f => f.EntryAddress == function.EntryAddress);
                    if (below is null)
                    {
                        writer.Restore(function);
                    }
                }

                foreach (AppliedFunction below in previous?.Functions ?? [])
                {
                    writer.Redirect(below);
                }

                if (previous is not null)
                {
                    writer.WriteRecord(previous with { IsActive = true });
                }

                // Not cleared: the record stays readable until the memory is gone, so a run
                // killed before the unmap leaves an orphan the next run recognises.
                writer.WriteRecord(patch with { Phase = RecordPhase.Unloading, IsActive = false });
            },
            keep: e => e is SutureException,
            failed: message => $"revert of {patch.PatchId} in process {pid} failed while restoring the entries ({message}); the process was put back to running the patch");
            return 0;
        });

        using StoppedProcess one = StoppedProcess.StopOneThread(pid);
        using var syscalls = new RemoteSyscalls(one, memory, gadgets);
        try
        {
            PatchUnloader.Unload(pid, syscalls, memory, walker, unwinder, patch with { Phase = RecordPhase.Unloading, IsActive = false });
        }
        catch (SutureException e) when (e.ExitCode == ExitCode.Busy)
        {
            throw new SutureException($"patch {patch.PatchId} was reverted in process {pid}, but its memory at 0x{patch.Base:x} stays mapped: {e.Message}; `suture gc -p {pid}` removes it later", ExitCode.Failure, e);
        }

        return patch;
    }

    private static AppliedPatch Choose(int pid, string? patchId, IReadOnlyList<AppliedPatch> applied)
    {
        var active = applied.Where(p => p.IsActive).ToList();
        if (patchId is null)
        {
            return active.Count > 0
                ? active[^1]
                : throw new SutureException($"nothing to revert: process {pid} runs no suture patch", ExitCode.NothingToRevert);
        }

        AppliedPatch? named = applied.LastOrDefault(p => p.PatchId == patchId)
            ?? throw new SutureException($"nothing to revert: process {pid} does not run patch {patchId}", ExitCode.NothingToRevert);
        if (!named.IsActive)
        {
            AppliedPatch? top = PatchChain.For(applied, named.BuildId).Active;
            throw new SutureException($"patch {patchId} (level {named.Level}) in process {pid} is superseded by {top?.PatchId} (level {top?.Level}); revert that first", ExitCode.NothingToRevert);
        }

        return named;
    }
}
