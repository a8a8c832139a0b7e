using Suture.Patching.Engine.Coroutines;
using Suture.Patching.Engine.Entries;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Engine.Placement;
using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Status;
using Suture.Patching.Engine.Symbols;
using Suture.Patching.Engine.Unwind;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Recovery;

/// <summary>
/// Brings a process's suture state back in line after a run that was killed or lost a race
/// (<c>suture gc</c>, and the start of every apply and revert): records are corrected to follow
/// the entries (<see cref="PatchReconciler"/>), a half-done switch is backed out once no thread
/// runs the code it changes, leftover patch memory is deregistered and unmapped, and memfd
/// descriptors left open are closed. The caller holds the <see cref="TargetLock"/>, so nothing
/// it finds half-done belongs to a run still going. Call on the tracer thread.
/// </summary>
public static class OrphanCollector
{
    /// <summary><c>suture gc -p PID</c>: takes the process's lock, then collects.</summary>
    public static GcReport Run(int pid, OperationOptions options)
    {
        using ProcessMemory memory = ProcessMemory.Open(pid, writable: true);
        using TargetLock held = TargetLock.Acquire(memory, options);
        return Collect(pid, options, MemoryMapReader.Read(pid), memory);
    }

    /// <summary>Processes that map suture memory or hold a suture memfd open (<c>suture gc -p all</c>), this one excluded.</summary>
    public static IReadOnlyList<int> Candidates()
    {
        var result = new List<int>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "maps")).Contains(AppliedPatchReader.MapsPrefix, StringComparison.Ordinal) || LeakedDescriptors(pid).Count > 0)
                {
                    result.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited, or not ours to read.
            }
        }

        return result;
    }

    /// <summary>Repairs and reclaims in a process whose lock the caller holds, with the maps and memory the operation already read; when the report says it did anything, read the maps again.</summary>
    public static GcReport Collect(int pid, OperationOptions options, IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory)
    {
        PatchRecords records = AppliedPatchReader.Scan(mappings, memory);
        IReadOnlyList<ChainState> chains = PatchReconciler.Analyze(pid, records.Records, memory);
        var pristine = records.Unreadable.Where(u => u.IsPristine).ToList();
        var kept = records.Unreadable.Where(u => !u.IsPristine)
            .Select(u => $"suture memory {u.Name} at 0x{u.Start:x}-0x{u.End:x} stays mapped: {u.Reason}, so whether its unwind table is registered cannot be told")
            .ToList();
        kept.AddRange(chains.SelectMany(c => c.Verdicts).Where(IsKeptForGood).Select(v =>
            $"{v.Record.PatchId} (level {v.Record.Level}) at 0x{v.Record.Base:x} stays mapped ({v.Record.MappedSize} bytes, unused): a run was killed while deregistering its unwind table, and whether that finished cannot be told"));
        List<int> descriptors = LeakedDescriptors(pid);
        if (chains.All(c => c.IsConsistent) && descriptors.Count == 0 && pristine.Count == 0)
        {
            return new GcReport(pid, [], [], kept, 0);
        }

        if (chains.FirstOrDefault(c => c.Foreign is not null) is { } foreign)
        {
            throw new SutureException($"{foreign.Foreign}; something other than suture changed it, so suture's records cannot be repaired; refusing", ExitCode.TargetMismatch);
        }

        var context = new Context(pid, mappings, memory, records.Records);
        var repaired = new List<string>();
        foreach (ChainState chain in chains.Where(c => !c.IsConsistent))
        {
            Repair(context, chain, options);
            repaired.AddRange(chain.Verdicts.Where(v => !v.IsConsistent).Select(v => $"{v.Record.PatchId} (level {v.Record.Level}): {v.Problem}"));
        }

        var reclaimed = new List<string>();
        var leftovers = chains.SelectMany(c => c.Verdicts).Where(v => v.Role == RecordRole.Leftover && !IsKeptForGood(v)).Select(v => v.Corrected).ToList();
        if (leftovers.Count > 0 || pristine.Count > 0)
        {
            Reclaim(context, leftovers, pristine, reclaimed, kept);
        }

        int closed = descriptors.Count == 0 ? 0 : Close(context, descriptors);
        return new GcReport(pid, repaired, reclaimed, kept, closed);
    }

    /// <summary>A leftover whose deregistration was interrupted: never unmapped, not retried.</summary>
    private static bool IsKeptForGood(RecordVerdict verdict) =>
        verdict.Role == RecordRole.Leftover && verdict.Record.Phase == RecordPhase.Unloading && verdict.Record.UnwindState == UnwindState.Deregistering;

    /// <summary>Backs out a half-done switch (with every thread stopped and none in the code it changes), then makes the records follow the entries.</summary>
    private static void Repair(Context context, ChainState chain, OperationOptions options)
    {
        if (chain.Changes.Count > 0)
        {
            QuiescentStop.Run(context.Pid, "repair of an interrupted switch", chain.Ranges, options, context.Walker, context.Coroutines, _ =>
            {
                EntryWriter.WriteOrUndo(context.Memory, $"the repair of process {context.Pid}", writer =>
                {
                    foreach (EntryChange change in chain.Changes)
                    {
                        writer.Put(change.Function.EntryAddress, change.Bytes);
                    }
                }, keep: _ => true, failed: message => message);
                return 0;
            });
        }

        foreach (RecordVerdict verdict in chain.Verdicts.Where(v => v.NeedsWrite))
        {
            PatchUnloader.Write(context.Memory, verdict.Corrected);
        }
    }

    private static void Reclaim(Context context, List<AppliedPatch> leftovers, List<UnreadableRecord> pristine, List<string> reclaimed, List<string> kept)
    {
        using StoppedProcess one = StoppedProcess.StopOneThread(context.Pid);
        using var syscalls = new RemoteSyscalls(one, context.Memory, context.Gadgets);
        foreach (UnreadableRecord empty in pristine)
        {
            PatchUnloader.UnmapOwn(context.Pid, syscalls, empty.Start, empty.End);
            reclaimed.Add($"{empty.Name} at 0x{empty.Start:x}, {empty.End - empty.Start} bytes (a record part whose record was never written)");
        }

        foreach (AppliedPatch leftover in leftovers)
        {
            try
            {
                PatchUnloader.Unload(context.Pid, syscalls, context.Memory, context.Walker, context.Unwinder, leftover);
                reclaimed.Add($"{leftover.PatchId} (level {leftover.Level}) at 0x{leftover.Base:x}, {leftover.MappedSize} bytes");
            }
            catch (SutureException e) when (e.ExitCode is not ExitCode.NoSuchProcess)
            {
                kept.Add(e.Message);
            }
        }
    }

    /// <summary>Closes the suture memfd descriptors a killed apply left open, with every thread stopped so none can reuse the number meanwhile.</summary>
    private static int Close(Context context, List<int> descriptors)
    {
        using StoppedProcess all = StoppedProcess.Stop(context.Pid);
        using var syscalls = new RemoteSyscalls(all, context.Memory, context.Gadgets);
        int closed = 0;
        foreach (int fd in LeakedDescriptors(context.Pid).Intersect(descriptors))
        {
            closed += syscalls.Invoke(SyscallNumbers.Close, (ulong)fd) == 0 ? 1 : 0;
        }

        return closed;
    }

    /// <summary>Descriptors of the process open on a suture memfd; suture closes its own before its run ends, so under the lock these are leftovers.</summary>
    private static List<int> LeakedDescriptors(int pid)
    {
        var result = new List<int>();
        try
        {
            foreach (FileSystemInfo entry in new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos())
            {
                if (int.TryParse(entry.Name, out int fd) && TryLink(entry)?.StartsWith(AppliedPatchReader.MapsPrefix, StringComparison.Ordinal) == true)
                {
                    result.Add(fd);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process exited or its descriptors are not ours to see: nothing to close.
        }

        return result;
    }

    private static string? TryLink(FileSystemInfo entry)
    {
        try
        {
            return entry.LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>What repairing needs from the process, read only once something needs repairing.</summary>
    private sealed class Context(int pid, IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory, IReadOnlyList<AppliedPatch> records)
    {
        private IReadOnlyList<LoadedObject>? _objects;
        private ObjectFiles? _files;
        private IStackWalker? _walker;
        private SyscallGadgets? _gadgets;
        private bool _unwinderFound;
        private UnwindRegistration? _unwinder;
        private CoroutineTable? _coroutineTable;
        private bool _coroutinesFound;

        public int Pid => pid;

        public ProcessMemory Memory => memory;

        public IReadOnlyList<LoadedObject> Objects => _objects ??= LoadedObjects.Read(pid, mappings, memory);

        public ObjectFiles Files => _files ??= new ObjectFiles(pid);

        public IStackWalker Walker => _walker ??= StackWalkers.For(pid, Objects, mappings, memory, records, Files);

        public SyscallGadgets Gadgets => _gadgets ??= SyscallGadgets.Find(memory, mappings);

        public Func<IReadOnlyList<ThreadRegisters>>? Coroutines
        {
            get
            {
                if (!_coroutinesFound)
                {
                    _coroutineTable = CoroutineTable.Find(Objects, Files);
                    _coroutinesFound = true;
                }

                CoroutineTable? table = _coroutineTable;
                return table is null ? null : () => table.Read(memory);
            }
        }

        public UnwindRegistration? Unwinder
        {
            get
            {
                if (!_unwinderFound)
                {
                    _unwinderFound = true;
                    try
                    {
                        _unwinder = UnwindRegistration.Find(pid, new ExternalSymbolResolver(pid, Objects, memory, Files));
                    }
                    catch (SutureException)
                    {
                        _unwinder = null;
                    }
                }

                return _unwinder;
            }
        }
    }
}
