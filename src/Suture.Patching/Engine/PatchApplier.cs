using Suture.Patching.Format;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;
using Suture.X86;

namespace Suture.Patching.Engine;

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
        IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
        using ProcessMemory memory = ProcessMemory.Open(pid, writable: true);
        IReadOnlyList<LoadedObject> objects = LoadedObjects.Read(pid, mappings, memory);
        LoadedObject target = TargetObjectLocator.Find(pid, objects, patch.Target);
        RefuseIfAlreadyPatched(pid, patch, target, AppliedPatchReader.Read(mappings, memory));

        RefuseCoroutines(pid, objects, options);
        var entries = patch.Functions.Select(f => new FunctionEntry(f, target.Bias)).ToList();
        foreach (FunctionEntry entry in entries)
        {
            entry.Verify(pid, memory);
        }

        var resolver = new ExternalSymbolResolver(pid, objects);
        var externals = patch.Relocations
            .Where(r => r.Target == PatchSymbolKind.External)
            .Select(r => (r.Symbol, r.Version))
            .Distinct()
            .ToDictionary(s => s, s => resolver.Resolve(s.Symbol, s.Version));
        ulong syscall = SyscallInstructionFinder.Find(memory, mappings);
        if (options.Cancellation.IsCancellationRequested)
        {
            throw new SutureException($"apply to process {pid} interrupted before it changed anything", ExitCode.Interrupted);
        }

        PlacedPatch placed = Load(pid, patch, patchSha256, target, entries, externals, memory, syscall, mappings);
        try
        {
            return QuiescentStop.Run(pid, "apply", entries.Select(e => e.Range).ToList(), options, stopped =>
            {
                foreach (FunctionEntry entry in entries)
                {
                    entry.Verify(pid, memory);
                }

                Switch(pid, memory, placed, entries);
                return placed.Record;
            });
        }
        catch (SutureException failure)
        {
            Unload(pid, syscall, placed, failure);
            throw;
        }
    }

    private static void RefuseIfAlreadyPatched(int pid, PatchFile patch, LoadedObject target, IReadOnlyList<AppliedPatch> applied)
    {
        AppliedPatch? same = applied.FirstOrDefault(a => a.BuildId.AsSpan().SequenceEqual(target.BuildId) && a.PatchId == patch.Metadata.Id);
        if (same is not null)
        {
            throw new SutureException($"patch {same.PatchId} (level {same.Level}) is already applied to {target.FileName} in process {pid}", ExitCode.AlreadyApplied);
        }

        AppliedPatch? other = applied.FirstOrDefault(a => a.BuildId.AsSpan().SequenceEqual(target.BuildId));
        if (other is not null)
        {
            throw new SutureException($"process {pid} already runs patch {other.PatchId} (level {other.Level}) for {target.FileName}; revert it first with 'suture revert -p {pid}'", ExitCode.AlreadyApplied);
        }
    }

    private static void RefuseCoroutines(int pid, IReadOnlyList<LoadedObject> objects, OperationOptions options)
    {
        if (options.AllowCoroutines)
        {
            return;
        }

        IReadOnlyList<(string Object, string Symbol)> users = CoroutineDetector.Find(pid, objects);
        if (users.Count > 0)
        {
            string which = string.Join(", ", users.Select(u => $"{u.Object} uses {u.Symbol}"));
            throw new SutureException(
                $"process {pid} switches user-level stacks ({which}); a suspended coroutine is invisible to the stack check and could resume inside a replaced function; refusing (pass --allow-coroutines if its coroutines never run patched code)",
                ExitCode.Unpatchable);
        }
    }

    /// <summary>Maps and writes the new code with one thread stopped; nothing jumps to it yet.</summary>
    private static PlacedPatch Load(
        int pid,
        PatchFile patch,
        string sha,
        LoadedObject target,
        IReadOnlyList<FunctionEntry> entries,
        Dictionary<(string, string?), ulong> externals,
        ProcessMemory memory,
        ulong syscall,
        IReadOnlyList<MemoryMapping> mappings)
    {
        using StoppedProcess stopped = StoppedProcess.StopOneThread(pid);
        using var syscalls = new RemoteSyscalls(stopped, syscall);
        for (int attempt = 0; attempt < MaxPlacementAttempts; attempt++)
        {
            IReadOnlyList<MemoryMapping> current = attempt == 0 ? mappings : MemoryMapReader.Read(pid);
            PlacedPatch placed = PlacedPatch.Plan(pid, patch, sha, target, entries, externals, current);
            if (RemoteMapper.TryMap(syscalls, memory, placed.Record.Base, placed.Layout, patch.Metadata.Id))
            {
                try
                {
                    memory.Write(placed.Record.Base, placed.Image);
                    return placed;
                }
                catch
                {
                    RemoteMapper.Unmap(syscalls, placed.Record.Base, placed.Layout.TotalSize);
                    throw;
                }
            }
        }

        throw new SutureException($"could not reserve memory near {target.Path} in process {pid}: the address space keeps changing; try again");
    }

    /// <summary>With every thread stopped: record the patch, then redirect each old entry.</summary>
    private static void Switch(int pid, ProcessMemory memory, PlacedPatch placed, IReadOnlyList<FunctionEntry> entries)
    {
        int redirected = 0;
        try
        {
            memory.Write(placed.Record.Base + placed.Layout.StateOffset, placed.StateRecord);
            foreach (AppliedFunction function in placed.Record.Functions)
            {
                memory.Write(function.EntryAddress, Jump.Encode(function.EntryAddress, function.NewAddress));
                redirected++;
            }
        }
        catch (Exception e) when (e is SutureException or IOException)
        {
            for (int i = 0; i < redirected; i++)
            {
                memory.Write(entries[i].Address, entries[i].Function.ExpectedBytes);
            }

            memory.Write(placed.Record.Base + placed.Layout.StateOffset, new byte[AppliedPatchCodec.HeaderSize]);
            throw new SutureException($"apply to process {pid} failed while redirecting ({e.Message}); the process was restored to its original code", ExitCode.Failure, e);
        }
    }

    /// <summary>Removes loaded code that was never switched to; failures here are added to the message.</summary>
    private static void Unload(int pid, ulong syscall, PlacedPatch placed, Exception failure)
    {
        try
        {
            using StoppedProcess stopped = StoppedProcess.StopOneThread(pid);
            using var syscalls = new RemoteSyscalls(stopped, syscall);
            RemoteMapper.Unmap(syscalls, placed.Record.Base, placed.Layout.TotalSize);
        }
        catch (SutureException e) when (e.ExitCode != ExitCode.NoSuchProcess)
        {
            throw new SutureException($"{failure.Message}; also, removing the unused patch memory at 0x{placed.Record.Base:x} failed: {e.Message}", ExitCode.Failure, failure);
        }
    }
}
