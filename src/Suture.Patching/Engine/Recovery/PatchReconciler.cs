using Suture.Patching.Engine.Entries;
using Suture.Patching.Engine.Placement;
using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Status;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.X86;

namespace Suture.Patching.Engine.Recovery;

/// <summary>
/// Judges records by the function entries, which are the truth: a run killed between two writes
/// can leave a record that says "active" over entries that hold the original code, or entries of
/// which only some jump. Per object, the newest record whose jump any entry holds decides: if the
/// entries are exactly that level's, it is active and the records follow; if not (a switch was
/// interrupted half-way, in either direction), the switch is backed out to the level below it
/// (or the original), which finishes an interrupted revert and undoes an interrupted apply,
/// both of which the user never saw succeed. Records newer than the level that runs, and records
/// left loading or unloading, are leftovers.
/// </summary>
internal static class PatchReconciler
{
    public static IReadOnlyList<ChainState> Analyze(int pid, IReadOnlyList<AppliedPatch> records, ProcessMemory memory) =>
        records.GroupBy(r => r.BuildIdHex, StringComparer.Ordinal)
            .Select(chain => AnalyzeChain(pid, chain.OrderByDescending(r => r.AppliedUtc).ThenByDescending(r => r.RecordAddress).ToList(), memory))
            .ToList();

    /// <param name="chain">Records of one object, newest first.</param>
    private static ChainState AnalyzeChain(int pid, List<AppliedPatch> chain, ProcessMemory memory)
    {
        var entries = new Dictionary<ulong, (AppliedFunction Function, byte[] Actual)>();
        foreach (AppliedFunction function in chain.SelectMany(r => r.Functions))
        {
            if (!entries.ContainsKey(function.EntryAddress))
            {
                byte[] actual = new byte[function.SavedBytes.Length];
                entries[function.EntryAddress] = (function, memory.TryRead(function.EntryAddress, actual) ? actual : []);
            }
        }

        int top = chain.FindIndex(r => r.Functions.Any(f => Holds(entries[f.EntryAddress].Actual, r, f)));
        AppliedPatch? running = top < 0 ? null : chain[top];
        var changes = new List<EntryChange>();
        var ranges = new List<CodeRange>();
        string? foreign = null;
        string? halfDone = null;
        AppliedPatch? halfRecord = null;
        if (!Matches(entries, running))
        {
            (AppliedFunction Function, byte[] Actual)[] unknown = entries.Values
                .Where(e => !e.Actual.AsSpan().SequenceEqual(e.Function.SavedBytes) && !chain.Any(r => r.Functions.Any(f => f.EntryAddress == e.Function.EntryAddress && Holds(e.Actual, r, f))))
                .ToArray();
            if (unknown.Length > 0)
            {
                foreign = string.Join("; ", unknown.Select(e =>
                    $"{e.Function.Symbol} at 0x{e.Function.EntryAddress:x} in process {pid} holds {(e.Actual.Length == 0 ? "unreadable bytes" : Convert.ToHexStringLower(e.Actual))}, neither its original code nor a jump of a suture patch"));
            }
            else
            {
                int held = running!.Functions.Count(f => Holds(entries[f.EntryAddress].Actual, running, f));
                halfDone = $"a switch to or from it was interrupted: {held} of {running.Functions.Count} entries jump to it";
                halfRecord = running;
                int below = chain.FindIndex(top + 1, r => r.Phase == RecordPhase.Applied);
                AppliedPatch? fallback = below < 0 ? null : chain[below];
                Plan(entries, chain, running, fallback, changes, ranges);
                top = below;
                running = fallback;
            }
        }

        var verdicts = new List<RecordVerdict>();
        for (int i = 0; i < chain.Count; i++)
        {
            AppliedPatch record = chain[i];
            RecordRole role = record == running ? RecordRole.Active
                : running is not null && i > top && record.Phase == RecordPhase.Applied ? RecordRole.Superseded
                : RecordRole.Leftover;
            string? problem = foreign is not null ? null : Describe(record, role, running, record == halfRecord ? halfDone : null);
            verdicts.Add(new RecordVerdict(record, role, problem));
        }

        return new ChainState(verdicts, changes, ranges, foreign);
    }

    /// <summary>The entry writes (and the code to keep threads out of) that put every entry of the chain to <paramref name="fallback"/>'s state.</summary>
    private static void Plan(Dictionary<ulong, (AppliedFunction Function, byte[] Actual)> entries, List<AppliedPatch> chain, AppliedPatch running, AppliedPatch? fallback, List<EntryChange> changes, List<CodeRange> ranges)
    {
        foreach ((AppliedFunction function, byte[] actual) in entries.Values)
        {
            byte[] wanted = Expected(function, fallback);
            if (actual.AsSpan().SequenceEqual(wanted))
            {
                continue;
            }

            changes.Add(new EntryChange(function, wanted));
            ranges.Add(new CodeRange($"the entry jump of {function.Symbol}", function.EntryAddress + 1, function.EntryAddress + (ulong)function.SavedBytes.Length));
            AppliedPatch? owner = chain.FirstOrDefault(r => r.Functions.Any(f => f.EntryAddress == function.EntryAddress && Holds(actual, r, f)));
            if (owner is not null && !ranges.Any(r => r.Start == owner.Base))
            {
                ranges.Add(new CodeRange($"the new code of patch {owner.PatchId}", owner.Base, owner.Base + owner.CodeSize));
            }
            else if (owner is null)
            {
                ranges.Add(new CodeRange(function.Symbol, function.FunctionStart, function.FunctionStart + function.FunctionSize));
            }
        }

        if (!ranges.Any(r => r.Start == running.Base))
        {
            ranges.Add(new CodeRange($"the new code of patch {running.PatchId}", running.Base, running.Base + running.CodeSize));
        }
    }

    private static string? Describe(AppliedPatch record, RecordRole role, AppliedPatch? running, string? halfDone)
    {
        string runs = running is null ? "the original code" : $"{running.PatchId} (level {running.Level})";
        string phase = record.Phase.ToString().ToLowerInvariant();
        return role switch
        {
            RecordRole.Active when record.Phase != RecordPhase.Applied => $"the record says {phase}, but the entries jump to it",
            RecordRole.Active when !record.IsActive => "the record says superseded, but the entries jump to it (an interrupted apply or revert)",
            RecordRole.Active => null,
            RecordRole.Superseded when record.IsActive => $"the record says active, but the entries run {runs} (an interrupted apply or revert)",
            RecordRole.Superseded => null,
            _ when halfDone is not null => $"{halfDone}; to be backed out to {runs}",
            _ when record.Phase == RecordPhase.Loading => $"left loading by suture process {record.WriterPid}, which did not finish; nothing jumps to it",
            // Kept for good (see PatchUnloader): a known state, not an inconsistency.
            _ when record.Phase == RecordPhase.Unloading && record.UnwindState == UnwindState.Deregistering => null,
            _ when record.Phase == RecordPhase.Unloading => "left unloading by an interrupted run; nothing jumps to it",
            _ when record.IsActive => $"the record says active, but the entries run {runs} (an interrupted apply or revert)",
            _ => $"the record says superseded, but no level above it runs; the entries run {runs}",
        };
    }

    private static bool Matches(Dictionary<ulong, (AppliedFunction Function, byte[] Actual)> entries, AppliedPatch? level) =>
        entries.Values.All(e => e.Actual.AsSpan().SequenceEqual(Expected(e.Function, level)));

    private static byte[] Expected(AppliedFunction function, AppliedPatch? level) =>
        EntryWriter.JumpOf(level, function.EntryAddress) ?? function.SavedBytes;

    /// <summary>Whether an entry holds the jump <paramref name="function"/> of <paramref name="record"/> writes.</summary>
    private static bool Holds(byte[] actual, AppliedPatch record, AppliedFunction function) =>
        record.Functions.Contains(function) && actual.AsSpan().SequenceEqual(Jump.Encode(function.EntryAddress, function.NewAddress));
}
