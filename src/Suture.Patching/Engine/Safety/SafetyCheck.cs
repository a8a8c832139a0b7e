using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Safety;

/// <summary>
/// The consistency check run while every thread is stopped: a change is safe only when no thread
/// executes code in a range that changes, or will return into one. A stack that cannot be walked
/// to its end counts as unsafe, never as safe.
/// </summary>
internal static class SafetyCheck
{
    /// <summary>Fills in thread names; call after the process runs again, to keep the stop short.</summary>
    public static List<ThreadVerdict> Named(int pid, IEnumerable<ThreadVerdict> verdicts) =>
        verdicts.Select(v => v.Tid == 0 ? v : v with { Name = ThreadList.Name(pid, v.Tid) }).ToList();

    /// <summary>
    /// Checks every thread, and every coroutine the application declares in
    /// <paramref name="coroutines"/> (reported with tid 0 and name "coroutine N").
    /// </summary>
    public static IReadOnlyList<ThreadVerdict> Inspect(
        StoppedProcess process,
        IReadOnlyList<CodeRange> ranges,
        IStackWalker walker,
        Func<IReadOnlyList<ThreadRegisters>>? coroutines = null)
    {
        var verdicts = new List<ThreadVerdict>();
        foreach (TracedThread thread in process.Threads)
        {
            verdicts.Add(Check(thread.Tid, "", process.GetRegisters(thread), ranges, walker)); // names are read after resuming (see Named)
        }

        IReadOnlyList<ThreadRegisters> contexts = coroutines?.Invoke() ?? [];
        for (int i = 0; i < contexts.Count; i++)
        {
            verdicts.Add(Check(0, $"coroutine {i}", contexts[i], ranges, walker));
        }

        return verdicts;
    }

    private static ThreadVerdict Check(int tid, string name, in ThreadRegisters regs, IReadOnlyList<CodeRange> ranges, IStackWalker walker)
    {
        ThreadFrames stack = walker.Walk(regs);
        var busy = new List<string>();
        for (int frame = 0; frame < stack.ProgramCounters.Count; frame++)
        {
            // Walkers give lookup addresses: a return address minus one, i.e. inside the call.
            ulong pc = stack.ProgramCounters[frame];
            foreach (CodeRange range in ranges)
            {
                if (range.Contains(pc))
                {
                    busy.Add(frame == 0 ? $"{range.Name} at 0x{pc:x}" : $"{range.Name} (frame {frame} of {stack.ProgramCounters.Count}, at 0x{pc:x})");
                    break; // the first range that holds the frame names it (the most specific comes first)
                }
            }
        }

        return new ThreadVerdict(tid, name, stack, busy);
    }
}
