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
        int self = Environment.ProcessId;
        var result = new List<int>();
        foreach (int pid in AllPids().Order())
        {
            if (pid != self && Maps(pid, buildId, cache))
            {
                result.Add(pid);
            }
        }

        return result;
    }

    private static bool Maps(int pid, byte[] buildId, BuildIdCache cache)
    {
        IReadOnlyList<MemoryMapping> mappings;
        try
        {
            mappings = MemoryMapReader.Read(pid);
        }
        catch (SutureException)
        {
            return false; // exited, or not ours to read
        }

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
                        return false;
                    }

                    id = LoadedObjects.ReadBuildId(head, memory);
                    cache.Add(head.Device, head.Inode, id);
                }

                if (id is not null && id.AsSpan().SequenceEqual(buildId))
                {
                    return true;
                }
            }

            return false;
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
