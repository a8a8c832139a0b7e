using System.Text.Json.Serialization;

namespace Suture.Contracts;

/// <summary>Every process that maps a patched object, or an object of given patches (<c>suture status --all --json</c>).</summary>
public sealed record FleetStatusResult(IReadOnlyList<ProcessObjectState> Processes);

/// <summary>One object in one process.</summary>
/// <param name="ObjectName">The object's path in the process.</param>
/// <param name="State">patched, unpatched or not patchable.</param>
/// <param name="Level">The active level when patched; absent otherwise.</param>
/// <param name="PatchId">The active patch's id when patched; absent otherwise.</param>
/// <param name="Reason">Why it is not patchable, or a caveat about an unpatched one; absent when none.</param>
public sealed record ProcessObjectState(
    int Pid,
    string Name,
    [property: JsonPropertyName("object")] string ObjectName,
    string BuildId,
    string State,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Level,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PatchId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);
