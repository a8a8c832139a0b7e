using System.Collections.Concurrent;

namespace Suture.Process.Objects;

/// <summary>
/// Build IDs of files already seen, by device and inode: scanning thousands of processes reads
/// each distinct file's note once. A match found through the cache is confirmed in the process
/// itself before anything is changed.
/// </summary>
public sealed class BuildIdCache
{
    private readonly ConcurrentDictionary<(string Device, ulong Inode), byte[]?> _ids = new();

    public bool TryGet(string device, ulong inode, out byte[]? buildId) => _ids.TryGetValue((device, inode), out buildId);

    public void Add(string device, ulong inode, byte[]? buildId) => _ids[(device, inode)] = buildId;
}
