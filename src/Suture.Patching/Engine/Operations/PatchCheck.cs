using Suture.Format;
using Suture.Patching.Engine.Coroutines;
using Suture.Patching.Engine.Entries;
using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Status;
using Suture.Patching.Engine.Symbols;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Operations;

/// <summary>
/// Answers "which threads would block this patch right now?" by stopping the process once, running
/// the safety check apply would run, and resuming it. Nothing is changed.
/// </summary>
public static class PatchCheck
{
    /// <summary>Call on the tracer thread. A thread that does not stop within 10 s, or a cancellation, ends it with every thread resumed.</summary>
    public static IReadOnlyList<ThreadVerdict> Run(int pid, PatchFile patch, CancellationToken cancellation = default)
    {
        using OperationContext context = OperationContext.ForReading(pid, new OperationOptions { Cancellation = cancellation });
        LoadedObject target = TargetObjectLocator.Find(pid, context.Objects, patch.Target);
        AppliedPatch? current = PatchChain.For(context.Applied, target.BuildId!).Active;
        List<CodeRange> ranges = ApplyRanges(patch, target, current);
        IStackWalker walker = context.Walker;
        Func<IReadOnlyList<ThreadRegisters>>? coroutines = context.CoroutineContexts;
        IReadOnlyList<ThreadVerdict> verdicts;
        using (StoppedProcess stopped = StoppedProcess.Stop(pid, StoppedProcess.DefaultTimeout, cancellation))
        {
            verdicts = SafetyCheck.Inspect(stopped, ranges, walker, coroutines);
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
