using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Status;
using Suture.Patching.State;

namespace Suture.Patching.Engine.Recovery;

/// <summary>An entry write that finishes backing out a half-done switch.</summary>
/// <param name="Function">The entry.</param>
/// <param name="Bytes">What it gets: the jump of the level that stays, or the original bytes.</param>
internal sealed record EntryChange(AppliedFunction Function, byte[] Bytes);

/// <summary>
/// The patches of one object in one process as their entries show them: a role for each record,
/// the entry writes that back out a half-done switch (with the code no thread may run meanwhile),
/// or the entries that hold bytes suture did not write (then nothing is repaired).
/// </summary>
internal sealed record ChainState(
    IReadOnlyList<RecordVerdict> Verdicts,
    IReadOnlyList<EntryChange> Changes,
    IReadOnlyList<CodeRange> Ranges,
    string? Foreign)
{
    public bool IsConsistent => Foreign is null && Changes.Count == 0 && Verdicts.All(v => v.IsConsistent);
}
