using Suture.Patching.State;

namespace Suture.Patching.Engine.Status;

/// <summary>One record with its role as the entries show it, and what is wrong with it (null when the record says what the entries do).</summary>
public sealed record RecordVerdict(AppliedPatch Record, RecordRole Role, string? Problem)
{
    public bool IsConsistent => Problem is null;

    /// <summary>The record as it should read: it follows the entries.</summary>
    public AppliedPatch Corrected => Role switch
    {
        RecordRole.Active => Record with { Phase = RecordPhase.Applied, IsActive = true },
        RecordRole.Superseded => Record with { Phase = RecordPhase.Applied, IsActive = false },
        _ => Record with { Phase = RecordPhase.Unloading, IsActive = false },
    };

    public bool NeedsWrite => Corrected.Phase != Record.Phase || Corrected.IsActive != Record.IsActive;
}
