using System.Globalization;
using Suture.Process.Memory;

namespace Suture.Process.Objects;

/// <summary>Finds the processes that map an object with a given Build ID.</summary>
public static class ProcessScanner
{
    public static IEnumerable<int> AllPids()
    {
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>Processes (other than this one) mapping a file with <paramref name="buildId"/>, in pid order.</summary>
    public static IReadOnlyList<int> FindMapping(byte[] buildId, BuildIdCache cache)
    {
        string wanted = Convert.ToHexStringLower(buildId);
        return FindMapping(new HashSet<string>(StringComparer.Ordinal) { wanted }, cache).Select(p => p.Pid).ToList();
    }

    /// <summary>
    /// Processes (other than this one) mapping files whose Build ID (lowercase hex) is in
    /// <paramref name="buildIds"/>, in pid order, each with the matching objects' paths and Build IDs.
    /// </summary>
    public static IReadOnlyList<(int Pid, IReadOnlyList<(string Path, string BuildId)> Objects)> FindMapping(IReadOnlySet<string> buildIds, BuildIdCache cache)
    {
        var result = new List<(int, IReadOnlyList<(string, string)>)>();
        foreach ((int pid, IReadOnlyList<MemoryMapping> mappings) in Maps())
        {
            List<(string, string)> objects = Objects(pid, mappings, cache).Where(o => buildIds.Contains(o.BuildId)).ToList();
            if (objects.Count > 0)
            {
                result.Add((pid, objects));
            }
        }

        return result;
    }

    /// <summary>Every process but this one, in pid order, with its map; those that exit meanwhile or are not ours to read are left out.</summary>
    public static IEnumerable<(int Pid, IReadOnlyList<MemoryMapping> Mappings)> Maps()
    {
        int self = Environment.ProcessId;
        foreach (int pid in AllPids().Order())
        {
            if (pid == self)
            {
                continue;
            }

            IReadOnlyList<MemoryMapping> mappings;
            try
            {
                mappings = MemoryMapReader.Read(pid);
            }
            catch (SutureException)
            {
                continue; // exited, or not ours to read
            }

            yield return (pid, mappings);
        }
    }

    /// <summary>
    /// Every object <paramref name="pid"/> maps (from its <paramref name="mappings"/>, read by the
    /// caller) that has a Build ID (lowercase hex), in map order; the notes of files not in
    /// <paramref name="cache"/> are read from the process's memory. Empty when the process has
    /// exited or its memory cannot be read.
    /// </summary>
    public static IReadOnlyList<(string Path, string BuildId)> Objects(int pid, IReadOnlyList<MemoryMapping> mappings, BuildIdCache cache)
    {
        var found = new List<(string, string)>();
        ProcessMemory? memory = null;
        try
        {
            foreach (MemoryMapping head in mappings)
            {
                if (!head.IsFile || head.Offset != 0 || !head.IsReadable)
                {
                    continue;
                }

                if (!cache.TryGet(head.Device, head.Inode, out byte[]? id))
                {
                    memory ??= TryOpen(pid);
                    if (memory is null)
                    {
                        return found;
                    }

                    id = LoadedObjects.ReadBuildId(head, memory);
                    cache.Add(head.Device, head.Inode, id);
                }

                if (id is not null)
                {
                    found.Add((head.Path, Convert.ToHexStringLower(id)));
                }
            }

            return found;
        }
        finally
        {
            memory?.Dispose();
        }
    }

    private static ProcessMemory? TryOpen(int pid)
    {
        try
        {
            return ProcessMemory.Open(pid, writable: false);
        }
        catch (SutureException)
        {
            return null;
        }
    }
}
