using Suture.Patching.State;

namespace Suture.Patching.Engine.Status;

/// <summary>
/// The patches of one process as <c>suture status</c> shows them: every record judged by the
/// entries (inconsistent ones say what is wrong), and suture memory whose record does not decode.
/// </summary>
public sealed record ProcessPatchStatus(IReadOnlyList<RecordVerdict> Records, IReadOnlyList<UnreadableRecord> Unreadable, IReadOnlyList<string> Foreign)
{
    /// <summary>The records that the entries run or that stay loaded beneath them, oldest first (as status lists them).</summary>
    public IReadOnlyList<AppliedPatch> Patches => Records.Select(v => v.Record).ToList();

    public bool IsConsistent => Unreadable.Count == 0 && Foreign.Count == 0 && Records.All(v => v.IsConsistent);
}
