using Suture.Format;
using Suture.Patching.Engine.Fleet;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Engine.Unwind;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Store;

/// <summary>Applies the newest level of every object in a patch store, to one process or to all.</summary>
public static class StoreApplier
{
    /// <summary>Call on the tracer thread. <paramref name="pid"/> null means every process.</summary>
    public static IReadOnlyList<(PatchDocument Patch, FleetResult Result)> Apply(PatchStore store, int? pid, OperationOptions options, Action<PatchDocument, FleetResult> progress)
    {
        // Every patch's unwind table once, before any process is touched (exit 6 naming the patch).
        foreach (PatchDocument document in store.Newest)
        {
            UnwindTableCheck.Verify(document.Patch, $"apply of {document.Path} refused");
        }

        var results = new List<(PatchDocument, FleetResult)>();
        HashSet<string>? mapped = pid is int one ? MappedBuildIds(one) : null;
        foreach (PatchDocument document in store.Newest)
        {
            if (options.Cancellation.IsCancellationRequested)
            {
                break;
            }

            if (mapped is not null)
            {
                if (mapped.Contains(document.Patch.Target.BuildIdHex))
                {
                    FleetResult result = FleetApplier.ApplyOneVerified(pid!.Value, document.Patch, document.Sha256, options);
                    results.Add((document, result));
                    progress(document, result);
                }

                continue;
            }

            foreach (FleetResult result in FleetApplier.ApplyAllVerified(document.Patch, document.Sha256, options, r => progress(document, r), TracerPool.DefaultThreads))
            {
                results.Add((document, result));
            }
        }

        return results;
    }

    private static HashSet<string> MappedBuildIds(int pid)
    {
        IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
        using ProcessMemory memory = ProcessMemory.Open(pid, writable: false);
        return LoadedObjects.Read(pid, mappings, memory).Where(o => o.BuildId is not null).Select(o => o.BuildIdHex).ToHashSet(StringComparer.Ordinal);
    }
}
