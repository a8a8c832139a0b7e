using Suture.Patching.State;

namespace Suture.Agent.Inventory;

/// <summary>
/// One process as the agent sees it, without stopping it: the ELF objects it maps (by Build ID,
/// from the note in its memory) and the patch records it holds (the levels it runs).
/// </summary>
internal sealed record ProcessView(int Pid, string Command, IReadOnlyList<MappedObject> Objects, IReadOnlyList<AppliedPatch> Applied, string? Problem)
{
    /// <summary>The active record for an object, or null when the process runs its original code.</summary>
    public AppliedPatch? Active(string buildId) => Applied.FirstOrDefault(p => p.IsActive && p.BuildIdHex == buildId);

    public int Level(string buildId) => Active(buildId)?.Level ?? 0;

    public bool Maps(string buildId) => Objects.Any(o => o.BuildId == buildId);
}

/// <summary>An object a process maps: the path of its first mapping and its GNU Build ID (lower-case hex).</summary>
internal sealed record MappedObject(string Path, string BuildId);
