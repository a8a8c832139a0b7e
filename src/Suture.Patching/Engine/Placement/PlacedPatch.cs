using Suture.Format;
using Suture.Patching.Engine.Entries;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Patching.Engine.Placement;

/// <summary>
/// A patch linked for one address in one process, with the record kept there: <see cref="Record"/>
/// is what the record says once switched to; until then the target holds it in the loading phase.
/// </summary>
internal sealed record PlacedPatch(AppliedPatch Record, PatchMemoryLayout Layout, byte[] StateRecord)
{
    /// <summary>The record as written while loading, before anything jumps to the new code.</summary>
    public byte[] LoadingRecord(UnwindState unwind) =>
        AppliedPatchCodec.Encode(Record with { Phase = RecordPhase.Loading, IsActive = false, UnwindState = unwind });

    public static PlacedPatch Plan(
        int pid,
        PatchFile patch,
        string sha,
        PatchSigner? signer,
        LoadedObject target,
        IReadOnlyList<FunctionEntry> entries,
        IReadOnlyList<MemoryMapping> mappings,
        ulong runtimeSize)
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
            Functions = entries.Select(e => new AppliedFunction(e.Function.Symbol, e.Address, e.Function.NewOffset, e.Function.ExpectedBytes, e.Start, e.Function.OldSize)).ToList(),
            WriterPid = Environment.ProcessId,
            Signer = signer,
        };
        PatchMemoryLayout layout = PatchMemoryLayout.For(patch.Image, AppliedPatchCodec.Encode(record).Length, runtimeSize);
        ulong address = AddressPlanner.FindFreeRange(mappings, target.Start, target.End, layout.TotalSize)
            ?? throw new SutureException($"process {pid} has no free {layout.TotalSize}-byte range within 2 GiB of {target.Path}; cannot load the patch", ExitCode.Unpatchable);
        record = record with
        {
            Base = address,
            MappedSize = layout.TotalSize,
            RecordAddress = address + layout.StateOffset,
            Functions = record.Functions.Select(f => f with { NewAddress = address + f.NewAddress }).ToList(),
            UnwindTable = patch.Unwind is null ? 0 : address + patch.Unwind.EhFrameOffset,
            UnwindTableSize = patch.Unwind?.EhFrameSize ?? 0,
            UnwindRecord = runtimeSize == 0 ? 0 : address + layout.RuntimeOffset,
        };
        var placed = new PlacedPatch(record, layout, []);
        return placed with { StateRecord = placed.LoadingRecord(UnwindState.None) };
    }
}
