using Suture.Patching.Format;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;
using Suture.X86;

namespace Suture.Patching.Engine;

/// <summary>
/// Applies a patch to one running process. Everything that needs no stop (reading the process,
/// resolving symbols, linking the image) happens first; the process is stopped only to check that
/// no thread is busy in a function being replaced, map and write the new code, and redirect the
/// old entries. A failure leaves the process as it was.
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
        var ranges = entries.Select(e => e.Range).ToList();

        return QuiescentStop.Run(pid, "apply", ranges, options, stopped =>
        {
            foreach (FunctionEntry entry in entries)
            {
                entry.Verify(pid, memory);
            }

            using var syscalls = new RemoteSyscalls(stopped, syscall);
            for (int attempt = 0; attempt < MaxPlacementAttempts; attempt++)
            {
                IReadOnlyList<MemoryMapping> current = attempt == 0 ? mappings : MemoryMapReader.Read(pid);
                var placed = Place(pid, patch, patchSha256, target, entries, externals, current);
                if (RemoteMapper.TryMap(syscalls, memory, placed.Record.Base, placed.Layout, patch.Metadata.Id))
                {
                    Install(pid, syscalls, memory, placed, entries);
                    return placed.Record;
                }
            }

            throw new SutureException($"could not reserve memory near {target.Path} in process {pid}: the address space keeps changing; try again");
        });
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

    private static PlacedPatch Place(
        int pid,
        PatchFile patch,
        string sha,
        LoadedObject target,
        IReadOnlyList<FunctionEntry> entries,
        Dictionary<(string, string?), ulong> externals,
        IReadOnlyList<MemoryMapping> mappings)
    {
        AppliedPatch record = new()
        {
            PatchId = patch.Metadata.Id,
            Level = patch.Metadata.Level,
            Description = patch.Metadata.Description,
            Cves = patch.Metadata.Cves,
            ObjectName = patch.Target.ObjectName,
            BuildId = patch.Target.BuildId,
            AppliedUtc = DateTimeOffset.UtcNow,
            PatchSha256 = sha,
            Base = 0,
            CodeSize = (ulong)patch.Image.Code.Length,
            MappedSize = 0,
            Functions = entries.Select(e => new AppliedFunction(e.Function.Symbol, e.Address, e.Function.NewOffset, e.Function.ExpectedBytes)).ToList(),
        };
        PatchMemoryLayout layout = PatchMemoryLayout.For(patch.Image, AppliedPatchCodec.Encode(record).Length);
        ulong address = AddressPlanner.FindFreeRange(mappings, target.Start, target.End, layout.TotalSize)
            ?? throw new SutureException($"process {pid} has no free {layout.TotalSize}-byte range within 2 GiB of {target.Path}; cannot load the patch", ExitCode.Unpatchable);
        record = record with
        {
            Base = address,
            MappedSize = layout.TotalSize,
            Functions = record.Functions.Select(f => f with { NewAddress = address + f.NewAddress }).ToList(),
        };
        byte[] image = PatchLinker.Link(patch, address, target.Bias, r => externals[(r.Symbol, r.Version)]);
        return new PlacedPatch(record, layout, image, AppliedPatchCodec.Encode(record));
    }

    private static void Install(int pid, RemoteSyscalls syscalls, ProcessMemory memory, PlacedPatch placed, IReadOnlyList<FunctionEntry> entries)
    {
        ulong address = placed.Record.Base;
        int redirected = 0;
        try
        {
            memory.Write(address, placed.Image);
            memory.Write(address + placed.Layout.StateOffset, placed.StateRecord);
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

            RemoteMapper.Unmap(syscalls, address, placed.Layout.TotalSize);
            throw new SutureException($"apply to process {pid} failed while writing the patch ({e.Message}); the process was restored to its original code", ExitCode.Failure, e);
        }
    }

    private sealed record PlacedPatch(AppliedPatch Record, PatchMemoryLayout Layout, byte[] Image, byte[] StateRecord);
}
