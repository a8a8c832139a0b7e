namespace Suture.Patching.State;

/// <summary>
/// What Suture keeps inside a patched process about one applied patch, so a later
/// <c>suture status</c> or <c>suture revert</c> (a new process) knows what was done.
/// </summary>
public sealed record AppliedPatch
{
    public required string PatchId { get; init; }

    public required int Level { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<string> Cves { get; init; } = [];

    public required string ObjectName { get; init; }

    public required byte[] BuildId { get; init; }

    public required DateTimeOffset AppliedUtc { get; init; }

    /// <summary>SHA-256 of the patch file that was applied (lowercase hex).</summary>
    public required string PatchSha256 { get; init; }

    /// <summary>Run-time address of the patch image (code first).</summary>
    public required ulong Base { get; init; }

    /// <summary>Bytes of code at <see cref="Base"/>.</summary>
    public required ulong CodeSize { get; init; }

    /// <summary>Bytes mapped for the patch, code, data and this record together.</summary>
    public required ulong MappedSize { get; init; }

    public required IReadOnlyList<AppliedFunction> Functions { get; init; }

    /// <summary>
    /// False once a newer level for the same object replaced this one; its code stays loaded so
    /// reverting the newer level can switch back to it.
    /// </summary>
    public bool IsActive { get; init; } = true;

    /// <summary>Run-time address of the new code's unwind table (<c>.eh_frame</c>), 0 if the patch has none.</summary>
    public ulong UnwindTable { get; init; }

    /// <summary>Bytes of <see cref="UnwindTable"/>, its terminator included.</summary>
    public ulong UnwindTableSize { get; init; }

    /// <summary>Whether the table is registered with the process's unwinder (revert deregisters it before unmapping).</summary>
    public UnwindState UnwindState { get; init; }

    public bool UnwindRegistered => UnwindState == UnwindState.Registered;

    /// <summary>Loading, applied (active or superseded) or unloading; records of format version 1 are always applied.</summary>
    public RecordPhase Phase { get; init; } = RecordPhase.Applied;

    /// <summary>Process id of the suture run that last wrote the record (0 in version 1 records); named in messages.</summary>
    public int WriterPid { get; init; }

    /// <summary>Run-time address of the unwinder's registration record in the patch memory (0 if none).</summary>
    public ulong UnwindRecord { get; init; }

    /// <summary>Who signed the patch, verified before it was applied; null when it was applied unsigned (version 3 records; older ones read as unsigned).</summary>
    public PatchSigner? Signer { get; init; }

    /// <summary>Where the record itself lives in the target (set when read back).</summary>
    public ulong RecordAddress { get; init; }

    public string BuildIdHex => Convert.ToHexStringLower(BuildId);

    public bool CodeContains(ulong address) => address >= Base && address < Base + CodeSize;
}
