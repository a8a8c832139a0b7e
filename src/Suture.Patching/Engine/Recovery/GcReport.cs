namespace Suture.Patching.Engine.Recovery;

/// <summary>What <see cref="OrphanCollector"/> found and did in one process.</summary>
/// <param name="Repaired">Records corrected to follow the entries, each with what was wrong.</param>
/// <param name="Reclaimed">Leftover patch memory that was unmapped.</param>
/// <param name="Kept">Suture memory left mapped, with the reason (an unreadable record, a table whose registration cannot be told).</param>
/// <param name="ClosedDescriptors">Memfd descriptors a killed run left open in the process, now closed.</param>
public sealed record GcReport(
    int Pid,
    IReadOnlyList<string> Repaired,
    IReadOnlyList<string> Reclaimed,
    IReadOnlyList<string> Kept,
    int ClosedDescriptors)
{
    public bool DidAnything => Repaired.Count > 0 || Reclaimed.Count > 0 || ClosedDescriptors > 0;
}
