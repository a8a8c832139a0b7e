using Suture.Patching.Engine.Status;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Host;

/// <summary>
/// What one process maps and runs, as the host state and <c>status --all</c> need it: every
/// object with a Build ID it maps, the patch records it holds (or why they cannot be read), and,
/// read when first needed, the patches it actually runs. Kept between refreshes
/// (<see cref="HostScan"/>) while the process's <see cref="Identity"/> stays the same.
/// </summary>
public sealed class ProcessSnapshot
{
    private IReadOnlyList<SnapshotActive>? _active;

    public required int Pid { get; init; }

    /// <summary>Start time and virtual size, read before the map: a snapshot is kept only while both are unchanged.</summary>
    public required ProcessIdentity Identity { get; init; }

    /// <summary>Every object with a Build ID (lowercase hex) the process maps, in map order.</summary>
    public required IReadOnlyList<(string Path, string BuildId)> Objects { get; init; }

    /// <summary>The patch records in the process's memory; null when they cannot be read (<see cref="Problem"/>).</summary>
    public IReadOnlyList<SnapshotRecord>? Applied { get; init; }

    public string? Problem { get; init; }

    /// <summary>The records the process runs (judged by its entries, as <c>status -p</c> does), read on first use.</summary>
    public IReadOnlyList<SnapshotActive> Active => _active ??= ReadActive(Pid);

    internal IReadOnlyList<SnapshotActive>? ActiveIfRead
    {
        get => _active;
        init => _active = value;
    }

    /// <summary>Reads one process; null when it has exited or its map cannot be read.</summary>
    public static ProcessSnapshot? Take(int pid, BuildIdCache cache)
    {
        // The identity first: a map that changes after it is read changes the size read here.
        if (ProcessIdentity.Read(pid) is not ProcessIdentity identity)
        {
            return null;
        }

        IReadOnlyList<MemoryMapping> mappings;
        try
        {
            mappings = MemoryMapReader.Read(pid);
        }
        catch (SutureException)
        {
            return null; // exited, or not ours to read
        }

        List<MemoryMapping> heads = mappings.Where(m => m.IsFile && m.Offset == 0 && m.IsReadable).ToList();
        IReadOnlyList<(string Path, string BuildId)> objects = ProcessScanner.Objects(pid, heads, cache);
        IReadOnlyList<SnapshotRecord>? applied = TryReadApplied(pid, mappings, out string? problem);
        return new ProcessSnapshot { Pid = pid, Identity = identity, Objects = objects, Applied = applied, Problem = problem };
    }

    /// <summary>A note for an unpatched process whose policy may refuse a patch; read now (a process may install a filter at any time).</summary>
    public string? Caveat() =>
        ProcStatus.ReadProcess(Pid)?.Field("Seccomp") == "2" ? "has a seccomp filter, which may forbid new executable memory" : null;

    private static IReadOnlyList<SnapshotRecord>? TryReadApplied(int pid, IReadOnlyList<MemoryMapping> mappings, out string? problem)
    {
        problem = null;
        try
        {
            if (!mappings.Any(m => m.Path.StartsWith("/memfd:" + AppliedPatchReader.MemfdPrefix, StringComparison.Ordinal)))
            {
                using ProcessMemory probe = ProcessMemory.Open(pid, writable: true);
                return [];
            }

            using ProcessMemory memory = ProcessMemory.Open(pid, writable: true);
            return AppliedPatchReader.Read(mappings, memory).Select(p => new SnapshotRecord(p.BuildIdHex, p.IsActive, p.PatchId, p.Level)).ToList();
        }
        catch (SutureException e)
        {
            problem = e.ExitCode == ExitCode.PermissionDenied ? "permission denied (suture needs root or CAP_SYS_PTRACE)" : e.Message;
            return null;
        }
    }

    private static List<SnapshotActive> ReadActive(int pid)
    {
        try
        {
            return PatchStatusReader.ReadStatus(pid).Records.Where(v => v.Role == RecordRole.Active)
                .Select(v => new SnapshotActive(v.Record.BuildIdHex, v.Record.PatchId, v.Record.Level, v.Record.Cves, v.Record.Signer?.KeyId, v.Record.Signer?.Name))
                .ToList();
        }
        catch (SutureException)
        {
            return []; // exited meanwhile, or unreadable: not running the patch
        }
    }
}

/// <summary>One patch record in a process's memory: the object it patches, whether it is the one in effect, and its patch and level.</summary>
public sealed record SnapshotRecord(string BuildId, bool IsActive, string PatchId, int Level);

/// <summary>A patch a process runs, with what the host state reports of it.</summary>
public sealed record SnapshotActive(string BuildId, string PatchId, int Level, IReadOnlyList<string> Cves, string? SignerKeyId, string? SignerName);
