namespace Suture.Patching.State;

/// <summary>Where an applied patch's memory is in its life; kept in the record so a later run can tell an orphan from a live patch.</summary>
public enum RecordPhase : byte
{
    /// <summary>Mapped and being written; no entry jumps to it yet (a record left in this phase is an orphan once its run ended).</summary>
    Loading = 1,

    /// <summary>Switched to: its entries jump to it (when active), or a newer level replaced it (superseded).</summary>
    Applied = 2,

    /// <summary>Reverted or backed out: no entry jumps to it; the memory is about to be unmapped.</summary>
    Unloading = 3,
}
