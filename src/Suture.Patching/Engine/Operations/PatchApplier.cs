using Suture.Format;
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
using Suture.X86;

namespace Suture.Patching.Engine.Operations;

/// <summary>
/// Applies a patch to one running process in three phases, so the process is frozen as briefly
/// as possible:
/// <list type="number">
/// <item>prepare, without stopping anything: find the object, verify its code, resolve symbols;</item>
/// <item>load, with one thread stopped to run system calls: map and write the new code, which
/// nothing calls yet, while the other threads keep running;</item>
/// <item>switch, with every thread stopped: check that no thread is busy in a function being
/// replaced, record the patch and write the jumps.</item>
/// </list>
/// A failure in any phase leaves the process as it was (the loaded code is unmapped again).
/// </summary>
public static class PatchApplier
{
    private const int MaxPlacementAttempts = 4;

    /// <summary>Call on the tracer thread.</summary>
    public static AppliedPatch Apply(int pid, PatchFile patch, string patchSha256, OperationOptions options)
    {
        UnwindTableCheck.Verify(patch, $"apply to process {pid} refused"); // before the lock: it reads nothing of the process
        return ApplyChecked(pid, patch, patchSha256, options);
    }

    /// <summary><see cref="Apply"/> of a patch whose unwind table <see cref="UnwindTableCheck"/> has passed.</summary>
    internal static AppliedPatch ApplyChecked(int pid, PatchFile patch, string patchSha256, OperationOptions options)
    {
        using OperationContext context = OperationContext.ForChange(pid, options);
        Prepared prepared = Prepare(context, patch, patchSha256);
        _ = context.Gadgets; // a process without usable system call gadgets is refused before anything stops
        if (options.Cancellation.IsCancellationRequested)
        {
            throw new SutureException($"apply to process {pid} interrupted before it changed anything", ExitCode.Interrupted);
        }

        List<CodeRange> ranges = PatchCheck.ApplyRanges(patch, prepared.Target, prepared.Current);
        _ = context.Walker; // read before the load: it sees the process as it is before the new code is mapped
        prepared = prepared with { Unwinder = patch.Unwind is null ? null : UnwindRegistration.Find(pid, context.Resolver) };
        PlacedPatch placed = Load(context, prepared);
        try
        {
            return context.WhenQuiescent("apply", ranges, stopped =>
            {
                Switch(pid, context.Memory, placed, prepared.Current);
                return placed.Record;
            });
        }
        catch (Exception failure) when (MayUnload(failure)) // every failure, not only anticipated ones: the loaded code must go
        {
            Unload(context, placed, failure, prepared.Unwinder);
            throw;
        }
    }

    /// <summary>
    /// What the load needs, found without stopping anything: the target object and the level it
    /// runs, the verified entries, the external symbols and (found last) the unwinder.
    /// </summary>
    private sealed record Prepared(
        PatchFile Patch,
        string Sha256,
        LoadedObject Target,
        AppliedPatch? Current,
        IReadOnlyList<FunctionEntry> Entries,
        Dictionary<(string, string?), ResolvedSymbol> Externals,
        UnwindRegistration? Unwinder);

    private static Prepared Prepare(OperationContext context, PatchFile patch, string sha)
    {
        int pid = context.Pid;
        LoadedObject target = TargetObjectLocator.Find(pid, context.Objects, patch.Target);
        AppliedPatch? current = PatchChain.For(context.Applied, target.BuildId ?? []).Active;
        CheckLevel(pid, patch, target, current, context.Options);
        if (context.Coroutines is null)
        {
            RefuseCoroutines(context);
        }

        var entries = patch.Functions.Select(f => new FunctionEntry(f, target.Bias)).ToList();
        foreach (FunctionEntry entry in entries)
        {
            entry.Verify(pid, context.Memory, current);
        }

        ExternalSymbolResolver resolver = context.Resolver;
        var externals = patch.Relocations
            .Where(r => r.Target == PatchSymbolKind.External && !r.IsThreadLocal)
            .Select(r => (r.Symbol, r.Version))
            .Distinct()
            .ToDictionary(s => s, s => resolver.Resolve(s.Symbol, s.Version));
        return new Prepared(patch, sha, target, current, entries, externals, null);
    }

    /// <summary>False when an entry may jump to the loaded code: the switch was made, or undoing it failed.</summary>
    private static bool MayUnload(Exception failure) =>
        !ExceptionChain.Any(failure, e => e is UndoFailedException or ThreadsNotReleasedException { Committed: true });

    private static void CheckLevel(int pid, PatchFile patch, LoadedObject target, AppliedPatch? current, OperationOptions options)
    {
        if (current is null)
        {
            return;
        }

        if (current.PatchId == patch.Metadata.Id && current.Level == patch.Metadata.Level)
        {
            throw new SutureException($"patch {current.PatchId} (level {current.Level}) is already applied to {target.FileName} in process {pid}", ExitCode.AlreadyApplied);
        }

        if (patch.Metadata.Level <= current.Level && !options.AllowDowngrade)
        {
            throw new SutureException(
                $"process {pid} runs level {current.Level} ({current.PatchId}) for {target.FileName}; level {patch.Metadata.Level} ({patch.Metadata.Id}) is not newer; pass --allow-downgrade to replace it anyway",
                ExitCode.AlreadyApplied);
        }
    }

    private static void RefuseCoroutines(OperationContext context)
    {
        if (context.Options.AllowCoroutines)
        {
            return;
        }

        int pid = context.Pid;
        IReadOnlyList<(string Object, string Symbol)> users = CoroutineDetector.Find(context.Objects, context.Files, context.Memory);
        if (users.Count > 0)
        {
            string which = string.Join(", ", users.Select(u => $"{u.Object} uses {u.Symbol}"));
            throw new SutureException(
                $"process {pid} switches user-level stacks ({which}); a suspended coroutine is invisible to the stack check and could resume inside a replaced function; refusing (the application can declare its coroutines in {CoroutineTable.SymbolName}, see docs/consistency.md; or pass --allow-coroutines if its coroutines never run patched code)",
                ExitCode.Unpatchable);
        }
    }

    /// <summary>Maps and writes the new code with one thread stopped; nothing jumps to it yet.</summary>
    private static PlacedPatch Load(OperationContext context, Prepared prepared)
    {
        int pid = context.Pid;
        ProcessMemory memory = context.Memory;
        (PatchFile patch, LoadedObject target, UnwindRegistration? unwinder) = (prepared.Patch, prepared.Target, prepared.Unwinder);
        using StoppedProcess stopped = StoppedProcess.StopOneThread(pid, context.Options.Timeout, context.Options.Cancellation);
        using var syscalls = new RemoteSyscalls(stopped, memory, context.Gadgets);
        var threadLocals = new ThreadLocalResolver(context, target, () => stopped.GetRegisters(stopped.Threads.First()).FsBase);
        for (int attempt = 0; attempt < MaxPlacementAttempts; attempt++)
        {
            IReadOnlyList<MemoryMapping> current = attempt == 0 ? context.Mappings : MemoryMapReader.Read(pid);
            PlacedPatch placed = PlacedPatch.Plan(pid, patch, prepared.Sha256, context.Options.Signers.GetValueOrDefault(prepared.Sha256), target, prepared.Entries, current, unwinder is null || patch.Unwind is null ? 0 : UnwindRegistration.RecordSize);
            if (RemoteMapper.TryMap(syscalls, memory, placed.Record.Base, placed.Layout, patch.Metadata.Id, placed.StateRecord))
            {
                try
                {
                    Dictionary<(string, string?), ulong> addresses = ResolveIfuncs(prepared.Externals, syscalls);
                    memory.Write(placed.Record.Base, PatchLinker.Link(patch, placed.Record.Base, target.Bias, r => addresses[(r.Symbol, r.Version)], threadLocals.Resolve));
                    return Register(pid, patch, placed, syscalls, memory, unwinder, context.Walker);
                }
                catch
                {
                    AppliedPatch? written = PatchUnloader.ReadBack(memory, placed.Record);
                    if (written is null || written.UnwindState == UnwindState.None)
                    {
                        RemoteMapper.Unmap(syscalls, placed.Record.Base, placed.Layout.TotalSize);
                    }
                    else
                    {
                        // The table may be registered: unload through the record, which a later gc finishes if this fails.
                        PatchUnloader.TryUnload(pid, syscalls, memory, context.Walker, unwinder, PatchUnloader.Write(memory, written with { Phase = RecordPhase.Unloading }));
                    }

                    throw;
                }
            }
        }

        throw new SutureException($"could not reserve memory near {target.Path} in process {pid}: the address space keeps changing; try again");
    }

    /// <summary>
    /// Registers the new code's unwind table, if the patch has one and the process an unwinder; the
    /// record says so for revert, and says it is about to before the call, so a later run that
    /// finds the memory orphaned knows to look whether the unwinder holds it.
    /// </summary>
    private static PlacedPatch Register(int pid, PatchFile patch, PlacedPatch placed, RemoteSyscalls syscalls, ProcessMemory memory, UnwindRegistration? unwinder, IStackWalker walker)
    {
        if (patch.Unwind is null || unwinder is null)
        {
            return placed;
        }

        ulong recordAddress = placed.Record.RecordAddress;
        memory.Write(recordAddress, placed.LoadingRecord(UnwindState.Registering));
        try
        {
            unwinder.Register(pid, syscalls, walker, placed.Record.UnwindTable, placed.Record.UnwindRecord);
        }
        catch (SutureException e) when (e.ExitCode == ExitCode.Busy)
        {
            // Refused before the call: nothing is registered.
            memory.Write(recordAddress, placed.LoadingRecord(UnwindState.None));
            throw;
        }

        PlacedPatch registered = placed with { Record = placed.Record with { UnwindState = UnwindState.Registered } };
        memory.Write(recordAddress, registered.LoadingRecord(UnwindState.Registered));
        return registered with { StateRecord = registered.LoadingRecord(UnwindState.Registered) };
    }

    /// <summary>Calls, in the target, the resolver of each IFUNC no loaded object had resolved yet.</summary>
    private static Dictionary<(string, string?), ulong> ResolveIfuncs(Dictionary<(string, string?), ResolvedSymbol> externals, RemoteSyscalls syscalls)
    {
        var addresses = new Dictionary<(string, string?), ulong>();
        foreach (((string, string?) key, ResolvedSymbol symbol) in externals)
        {
            addresses[key] = symbol.IsIfuncResolver ? syscalls.Call(symbol.Address) : symbol.Address;
        }

        return addresses;
    }

    /// <summary>
    /// With every thread stopped: record the patch, mark the level it replaces as superseded,
    /// redirect each entry, and put back the original entries the new level no longer changes.
    /// </summary>
    private static void Switch(int pid, ProcessMemory memory, PlacedPatch placed, AppliedPatch? current) =>
        EntryWriter.WriteOrUndo(memory, $"apply to process {pid}", writer =>
        {
            foreach (AppliedFunction function in placed.Record.Functions)
            {
                writer.Verify(pid, function, current);
            }

            writer.WriteRecord(placed.Record);
            if (current is not null)
            {
                writer.WriteRecord(current with { IsActive = false });
            }

            foreach (AppliedFunction function in placed.Record.Functions)
            {
                writer.Redirect(function);
            }

            foreach (AppliedFunction dropped in current?.Functions.Where(f => placed.Record.Functions.All(n => n.EntryAddress != f.EntryAddress)) ?? [])
            {
                writer.Restore(dropped);
            }
        },
        keep: e => e is SutureException { ExitCode: ExitCode.TargetMismatch },
        failed: message => $"apply to process {pid} failed while redirecting ({message}); the process was restored to its previous code");

    /// <summary>
    /// Removes loaded code that was never switched to; failures here are added to the message. The
    /// record goes to the unloading phase first, so a kill from here on leaves an orphan that the
    /// next run recognises and reclaims.
    /// </summary>
    private static void Unload(OperationContext context, PlacedPatch placed, Exception failure, UnwindRegistration? unwinder)
    {
        try
        {
            using StoppedProcess stopped = StoppedProcess.StopOneThread(context.Pid);
            using var syscalls = new RemoteSyscalls(stopped, context.Memory, context.Gadgets);
            AppliedPatch unloading = PatchUnloader.Write(context.Memory, placed.Record with { Phase = RecordPhase.Unloading, IsActive = false });
            PatchUnloader.Unload(context.Pid, syscalls, context.Memory, context.Walker, unwinder, unloading);
        }
        catch (SutureException e) when (e.ExitCode != ExitCode.NoSuchProcess)
        {
            throw new SutureException($"{failure.Message}; also, removing the unused patch memory at 0x{placed.Record.Base:x} failed: {e.Message}", ExitCode.Failure, failure);
        }
    }
}
