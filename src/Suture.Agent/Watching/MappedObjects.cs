using Suture.Process.Memory;

namespace Suture.Agent.Watching;

/// <summary>
/// The files a process maps, as a set of (device, inode) keys of their first mapping: what
/// tells a library loaded with dlopen since the last look, without reading a Build ID (the agent
/// reads those, through its cache by device and inode, only for a process that changed).
/// Suture's own patch memory (<c>/memfd:</c>) does not count.
/// </summary>
internal static class MappedObjects
{
    /// <summary>The keys of the files <paramref name="pid"/> maps, or null when it is gone or unreadable.</summary>
    public static HashSet<(string Device, ulong Inode)>? Read(int pid)
    {
        IReadOnlyList<MemoryMapping> mappings;
        try
        {
            mappings = MemoryMapReader.Read(pid);
        }
        catch (Exception e) when (e is SutureException or IOException or UnauthorizedAccessException)
        {
            return null; // gone between the listing and the read (ESRCH comes as an IOException), or not readable
        }

        var keys = new HashSet<(string, ulong)>();
        foreach (MemoryMapping mapping in mappings)
        {
            if (mapping.IsFile && mapping.Offset == 0 && !mapping.Path.StartsWith("/memfd:", StringComparison.Ordinal))
            {
                keys.Add((mapping.Device, mapping.Inode));
            }
        }

        return keys;
    }
}
