using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Agent.Inventory;

/// <summary>
/// Reads processes for the agent from /proc and their memory (no ptrace, nothing stopped). Build
/// IDs are cached per device and inode, so a rescan reads only new objects' notes.
/// </summary>
internal sealed class ProcessReader
{
    private readonly BuildIdCache _cache = new();

    /// <summary>Every process but the agent itself (and kernel threads, which map nothing).</summary>
    public IReadOnlyList<ProcessView> All()
    {
        int self = Environment.ProcessId;
        var views = new List<ProcessView>();
        foreach (int pid in ProcessScanner.AllPids().Order())
        {
            if (pid != self && Read(pid) is { Objects.Count: > 0 } view)
            {
                views.Add(view);
            }
        }

        return views;
    }

    /// <summary>The process, or null if it is gone (or is not ours to read).</summary>
    public ProcessView? Read(int pid)
    {
        IReadOnlyList<MemoryMapping> mappings;
        try
        {
            mappings = MemoryMapReader.Read(pid);
        }
        catch (SutureException)
        {
            return null;
        }

        ProcessMemory? memory = null;
        try
        {
            var objects = new List<MappedObject>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (MemoryMapping head in mappings)
            {
                if (!head.IsFile || head.Offset != 0 || !head.IsReadable || !seen.Add(head.Path))
                {
                    continue;
                }

                if (!_cache.TryGet(head.Device, head.Inode, out byte[]? id))
                {
                    memory ??= ProcessMemory.Open(pid, writable: false);
                    id = LoadedObjects.ReadBuildId(head, memory);
                    _cache.Add(head.Device, head.Inode, id);
                }

                if (id is not null)
                {
                    objects.Add(new MappedObject(head.Path, Convert.ToHexStringLower(id)));
                }
            }

            IReadOnlyList<AppliedPatch> applied = [];
            string? problem = null;
            if (mappings.Any(m => m.Path.StartsWith(AppliedPatchReader.MapsPrefix, StringComparison.Ordinal)))
            {
                try
                {
                    memory ??= ProcessMemory.Open(pid, writable: false);
                    applied = AppliedPatchReader.Read(mappings, memory);
                }
                catch (SutureException e)
                {
                    problem = e.Message;
                }
            }

            return new ProcessView(pid, ThreadList.Name(pid, pid), objects, applied, problem);
        }
        catch (SutureException)
        {
            return null; // exited while read, or not readable
        }
        finally
        {
            memory?.Dispose();
        }
    }
}
