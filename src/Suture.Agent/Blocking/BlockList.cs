namespace Suture.Agent.Blocking;

/// <summary>
/// The local block list (<c>STATE/blocked.json</c>): patches that crashed a process here. It
/// survives restarts; only an operator clears an entry (<c>suture agent unblock</c>). Thread-safe:
/// the watchers add to it while the loop reads it.
/// </summary>
internal sealed class BlockList
{
    public const string FileName = "blocked.json";

    private readonly object _lock = new();
    private readonly string _path;
    private List<BlockedPatch> _entries;

    private BlockList(string path, List<BlockedPatch> entries)
    {
        _path = path;
        _entries = entries;
    }

    public string Path => _path;

    public IReadOnlyList<BlockedPatch> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <exception cref="SutureException">The file exists but is not a block list (exit 1, naming it).</exception>
    public static BlockList Load(string stateDirectory)
    {
        string path = System.IO.Path.Combine(stateDirectory, FileName);
        List<BlockedPatch>? entries = AgentFiles.ReadJson(path, AgentJsonContext.Default.ListBlockedPatch, "block list",
            "fix it or remove it (every patch it blocked would be applied again)");
        return new BlockList(path, entries ?? []);
    }

    public bool IsBlocked(string patchSha256)
    {
        lock (_lock)
        {
            return _entries.Any(e => e.PatchSha256 == patchSha256);
        }
    }

    /// <summary>Adds an entry (once per patch) and writes the file; true if it was not blocked yet.</summary>
    public bool Block(BlockedPatch entry)
    {
        lock (_lock)
        {
            if (_entries.Any(e => e.PatchSha256 == entry.PatchSha256))
            {
                return false;
            }

            _entries = [.. _entries, entry];
            Save();
            return true;
        }
    }

    /// <summary>Removes the entries whose patch id or SHA-256 (or a prefix of it, 8 digits at least) is <paramref name="id"/>; the removed ones.</summary>
    public IReadOnlyList<BlockedPatch> Clear(string id)
    {
        lock (_lock)
        {
            List<BlockedPatch> removed = [.. _entries.Where(e => Names(e, id))];
            if (removed.Count > 0)
            {
                _entries = [.. _entries.Except(removed)];
                Save();
            }

            return removed;
        }
    }

    private static bool Names(BlockedPatch entry, string id) =>
        entry.PatchId == id || (id.Length >= 8 && entry.PatchSha256.StartsWith(id.ToLowerInvariant(), StringComparison.Ordinal));

    private void Save() => AgentFiles.WriteJson(_path, _entries, AgentJsonContext.Default.ListBlockedPatch, private_: false);
}
