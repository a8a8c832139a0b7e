using Suture.Format;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine;

/// <summary>
/// Answers "which threads would block this patch right now?" by stopping the process once, running
/// the safety check apply would run, and resuming it. Nothing is changed.
/// </summary>
public static class PatchCheck
{
    /// <summary>Call on the tracer thread. A thread that does not stop within 10 s, or a cancellation, ends it with every thread resumed.</summary>
    public static IReadOnlyList<ThreadVerdict> Run(int pid, PatchFile patch, CancellationToken cancellation = default)
    {
        IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
        using ProcessMemory memory = ProcessMemory.Open(pid, writable: false);
        IReadOnlyList<LoadedObject> objects = LoadedObjects.Read(pid, mappings, memory);
        LoadedObject target = TargetObjectLocator.Find(pid, objects, patch.Target);
        IReadOnlyList<AppliedPatch> applied = AppliedPatchReader.Read(mappings, memory);
        AppliedPatch? current = PatchChain.For(applied, target.BuildId!).Active;
        List<CodeRange> ranges = ApplyRanges(patch, target, current);
        var files = new ObjectFiles(pid);
        IStackWalker walker = StackWalkers.For(pid, objects, mappings, memory, applied, files);
        CoroutineTable? coroutines = CoroutineTable.Find(objects, files);
        IReadOnlyList<ThreadVerdict> verdicts;
        using (StoppedProcess stopped = StoppedProcess.Stop(pid, StoppedProcess.DefaultTimeout, cancellation))
        {
            verdicts = SafetyCheck.Inspect(stopped, ranges, walker, coroutines is null ? null : () => coroutines.Read(memory));
        }

        return SafetyCheck.Named(pid, verdicts);
    }

    /// <summary>The code that must be idle to apply <paramref name="patch"/> over <paramref name="current"/>.</summary>
    internal static List<CodeRange> ApplyRanges(PatchFile patch, LoadedObject target, AppliedPatch? current)
    {
        var ranges = patch.Functions.Select(f => new FunctionEntry(f, target.Bias).Range).ToList();
        if (current is not null)
        {
            ranges.Add(new CodeRange($"the code of patch {current.PatchId} (level {current.Level})", current.Base, current.Base + current.CodeSize));
            ranges.AddRange(current.Functions.Select(f => new CodeRange(f.Symbol, f.FunctionStart, f.FunctionStart + f.FunctionSize)));
        }

        return ranges;
    }
}
