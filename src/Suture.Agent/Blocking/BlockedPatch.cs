namespace Suture.Agent.Blocking;

/// <summary>
/// A patch the agent no longer applies on this host: a process it patched died by a fault signal
/// within the watch window. Named by the patch file's SHA-256 (ids can be reused by another file).
/// </summary>
internal sealed record BlockedPatch(string PatchSha256, string PatchId, string BuildId, int Pid, int Signal, bool CoreDumped, DateTimeOffset At, string Reason);
