using System.Text.Json.Serialization;

namespace Suture.Contracts;

/// <summary>The patches one process runs, read from the process (<c>suture status -p PID --json</c>).</summary>
/// <param name="Consistent">Whether every record agrees with what the function entries hold and all suture memory decodes.</param>
/// <param name="Unreadable">Suture memory whose record does not decode.</param>
/// <param name="Foreign">Entries changed by something other than suture.</param>
/// <param name="Threads">With <c>--check</c>: per thread, whether it would block that patch now; absent otherwise.</param>
public sealed record StatusResult(
    int Pid,
    string Name,
    bool Consistent,
    IReadOnlyList<AppliedPatchStatus> Patches,
    IReadOnlyList<UnreadableMemory> Unreadable,
    IReadOnlyList<string> Foreign,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ThreadCheck>? Threads);

/// <summary>One patch record in the process, judged against the function entries.</summary>
/// <param name="Active">Whether the entries run this patch.</param>
/// <param name="Role">How the entries judge it: active, superseded or leftover.</param>
/// <param name="RecordSaysActive">What the record itself says (applied and active).</param>
/// <param name="Phase">The record's phase: loading, applied or unloading.</param>
/// <param name="Problem">Why the record and the entries disagree, or null.</param>
/// <param name="Applied">When it was applied (UTC).</param>
/// <param name="Signed">Whether the patch was verified as signed when applied.</param>
/// <param name="Signer">The key that signed it, as verified when applied, or null when applied unsigned.</param>
/// <param name="Base">Address of the patch image in the process, <c>0x</c> hex.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifiers should not contain type names", Justification = "'signed' is the JSON name status --json has written since signing came")]
public sealed record AppliedPatchStatus(
    string Id,
    int Level,
    bool Active,
    string Role,
    bool RecordSaysActive,
    string Phase,
    bool Consistent,
    string? Problem,
    [property: JsonPropertyName("object")] string ObjectName,
    string BuildId,
    string Description,
    IReadOnlyList<string> Cves,
    DateTime Applied,
    string Sha256,
    bool Signed,
    Signer? Signer,
    string Base,
    IReadOnlyList<AppliedFunctionStatus> Functions);

/// <summary>A redirected function in the process: its entry and the new code, <c>0x</c> hex.</summary>
public sealed record AppliedFunctionStatus(string Symbol, string Address, string NewAddress);

/// <summary>Suture memory in the process whose record does not decode.</summary>
/// <param name="Start">First address, <c>0x</c> hex.</param>
/// <param name="End">End address (exclusive), <c>0x</c> hex.</param>
/// <param name="Reclaimable">Whether <c>suture gc</c> may unmap it (nothing points into it).</param>
public sealed record UnreadableMemory(string Name, string Start, string End, string Reason, bool Reclaimable);

/// <summary>One thread's stack checked against a patch (<c>status --check</c>).</summary>
/// <param name="Blocks">Whether it would block the patch now.</param>
/// <param name="Frames">Frames walked.</param>
/// <param name="BusyIn">Functions being replaced that it executes or will return into.</param>
/// <param name="UnwindFailure">Why its stack could not be walked to the end; absent when it could.</param>
public sealed record ThreadCheck(
    int Tid,
    string Name,
    bool Blocks,
    int Frames,
    IReadOnlyList<string> BusyIn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UnwindFailure);
