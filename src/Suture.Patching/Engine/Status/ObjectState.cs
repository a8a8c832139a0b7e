namespace Suture.Patching.Engine.Status;

/// <summary>One process's state for one patched object, as <c>status --all</c> reports it.</summary>
/// <param name="State">"patched", "unpatched" or "not patchable".</param>
/// <param name="Reason">Why it is not patchable, or a caveat for an unpatched process.</param>
public sealed record ObjectState(int Pid, string Name, string ObjectPath, string BuildId, string State, int? Level, string? PatchId, string? Reason);
