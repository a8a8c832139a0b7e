namespace Suture.Patching.Engine.Status;

/// <summary>What a record is, judged by what the function entries hold.</summary>
public enum RecordRole
{
    /// <summary>The entries jump to it.</summary>
    Active,

    /// <summary>A lower level kept loaded beneath the active one, so revert can switch back to it.</summary>
    Superseded,

    /// <summary>Nothing runs it and nothing will switch back to it: an orphan of an interrupted apply or revert, to be unmapped.</summary>
    Leftover,
}
