namespace Suture.Protocol;

/// <summary>
/// <c>POST /api/v1/checkin</c>: what the host runs and what it did since the last check-in. Sending the
/// same request twice changes nothing the first did not (results are keyed by their id), and a host
/// whose inventory did not change sends only its digest.
/// </summary>
public sealed record CheckInRequest
{
    /// <summary><see cref="Protocol.InventoryDigest.Compute"/> of the host's inventory.</summary>
    public required string InventoryDigest { get; init; }

    /// <summary>
    /// The inventory, or null when it is the one the server last accepted with this digest; the
    /// server answers <see cref="CheckInResponse.InventoryRequired"/> if it does not have it.
    /// </summary>
    public IReadOnlyList<InventoryObject>? Objects { get; init; }

    /// <summary>Per-process results since the last acknowledged check-in; resending one is harmless.</summary>
    public IReadOnlyList<ProcessResult> Results { get; init; } = [];

    public string? AgentVersion { get; init; }
}

/// <summary>An object (executable or library) mapped by at least one running process.</summary>
/// <param name="BuildId">The object's GNU Build ID, lower-case hex, as read from the process's memory.</param>
/// <param name="Path">The path the processes mapped it from.</param>
/// <param name="Package">The package that owns the path (e.g. <c>libexpat1</c>), when known.</param>
/// <param name="Version">That package's version, when known.</param>
/// <param name="Processes">Every process that maps it.</param>
public sealed record InventoryObject(
    string BuildId,
    string Path,
    string? Package,
    string? Version,
    IReadOnlyList<InventoryProcess> Processes);

/// <summary>A process mapping an object, and the patch level it runs for that object.</summary>
/// <param name="Level">The active patch level for the object; 0 when it runs the original code.</param>
/// <param name="PatchId">The active patch's id, or null at level 0.</param>
public sealed record InventoryProcess(int Pid, string Command, int Level, string? PatchId);

/// <summary>The outcome of one action on one process.</summary>
/// <param name="Id">Chosen by the agent, unique per result: the server stores each id once.</param>
/// <param name="PatchSha256">The patch the action used (for a revert to the original code: the one reverted).</param>
public sealed record ProcessResult(
    Guid Id,
    string PatchSha256,
    string BuildId,
    int Pid,
    ResultAction Action,
    ResultOutcome Outcome,
    string? Message,
    DateTimeOffset At);

/// <summary>The answer to a check-in: what the host's feed wants changed, object by object.</summary>
/// <param name="InventoryRequired">The server lacks the inventory for the digest sent: check in again with <c>Objects</c>.</param>
/// <param name="Directives">One per object whose processes do not all run the level the feed wants; empty when nothing is to change.</param>
/// <param name="NextCheckInSeconds">When to check in next (before jitter).</param>
/// <param name="ResultsAccepted">How many results of the request are stored (new or already known).</param>
public sealed record CheckInResponse(
    bool InventoryRequired,
    IReadOnlyList<ObjectDirective> Directives,
    int NextCheckInSeconds,
    DateTimeOffset ServerTime,
    string Feed,
    int ResultsAccepted);

/// <summary>
/// Bring the processes <paramref name="Pids"/> that map <paramref name="BuildId"/> to <paramref name="Level"/>;
/// an <see cref="DirectiveAction.Apply"/> directive's level is also what the feed wants for processes
/// of that object started after the check-in.
/// </summary>
/// <param name="Level">The level the feed wants; 0: the original code.</param>
/// <param name="Patch">The patch of that level (null for level 0).</param>
/// <param name="Pids">The processes of the inventory that do not run what the feed wants.</param>
public sealed record ObjectDirective(string BuildId, DirectiveAction Action, int Level, PatchReference? Patch, IReadOnlyList<int> Pids);

/// <summary>Where to download a patch and how to check what was downloaded.</summary>
/// <param name="Url">Path on the server (relative to its base address) of the patch file.</param>
/// <param name="Sha256">SHA-256 of the whole file, lower-case hex.</param>
public sealed record PatchReference(string Id, int Level, string Sha256, string Url, long Size, IReadOnlyList<string> Cves);
