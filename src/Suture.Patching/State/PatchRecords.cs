namespace Suture.Patching.State;

/// <summary>Every suture record found in a process: the decoded ones in every phase, and the mappings whose record does not decode.</summary>
internal sealed record PatchRecords(IReadOnlyList<AppliedPatch> Records, IReadOnlyList<UnreadableRecord> Unreadable)
{
    /// <summary>Records of patches that were switched to (active or superseded): what apply, revert and status work on.</summary>
    public IReadOnlyList<AppliedPatch> Applied => Records.Where(r => r.Phase == RecordPhase.Applied).ToList();
}
