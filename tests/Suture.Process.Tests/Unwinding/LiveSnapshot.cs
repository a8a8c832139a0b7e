using System.Diagnostics;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;
using Suture.Process.Unwinding;

namespace Suture.Process.Tests.Unwinding;

/// <summary>Stops a process, unwinds every thread and resumes it, all inside one <see cref="Tracer.Run{T}"/>.</summary>
internal sealed record LiveSnapshot(
    IReadOnlyDictionary<int, UnwindResult> Threads,
    IReadOnlyList<LoadedObject> Objects,
    double FirstPassMicroseconds,
    int TablesLoaded,
    int TablesLoadedAfterRepeats,
    int RepeatsDiffering)
{
    /// <param name="repeats">
    /// How many more times to unwind every thread with the tables loaded (from a stack captured
    /// again each time, as a consistency check does); <see cref="RepeatsDiffering"/> counts the
    /// unwinds whose frames differ from the first pass. Its cost is measured by bench/run.sh
    /// (unwind), not here.
    /// </param>
    public static LiveSnapshot Take(int pid, int repeats = 0)
    {
        using var tracer = new Tracer();
        return tracer.Run(() =>
        {
            using StoppedProcess stopped = StoppedProcess.Stop(pid);
            IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
            using ProcessMemory memory = ProcessMemory.Open(pid, writable: false);
            IReadOnlyList<LoadedObject> objects = LoadedObjects.Read(pid, mappings, memory);
            var unwinder = new StackUnwinder(pid, objects, mappings);
            Assert.True(unwinder.TryAddVdso(memory, mappings, out string? vdsoError), vdsoError);
            var registers = stopped.Threads.ToDictionary(t => t.Tid, stopped.GetRegisters);
            var results = new Dictionary<int, UnwindResult>();
            var firstPass = Stopwatch.StartNew();
            foreach ((int tid, ThreadRegisters regs) in registers)
            {
                results[tid] = unwinder.Unwind(regs, StackMemory.Capture(memory, mappings, regs.Rsp));
            }

            double firstPassMicroseconds = firstPass.Elapsed.TotalMicroseconds;

            int tablesLoaded = unwinder.TablesLoaded;
            int differing = 0;
            for (int round = 0; round < repeats; round++)
            {
                foreach (var (tid, regs) in registers)
                {
                    UnwindResult again = unwinder.Unwind(regs, StackMemory.Capture(memory, mappings, regs.Rsp));
                    differing += again.IsComplete == results[tid].IsComplete && again.Frames.SequenceEqual(results[tid].Frames) ? 0 : 1;
                }
            }

            return new LiveSnapshot(results, objects, firstPassMicroseconds, tablesLoaded, unwinder.TablesLoaded, differing);
        });
    }
}
