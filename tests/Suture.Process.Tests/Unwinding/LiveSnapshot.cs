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
    double MicrosecondsPerThread,
    double UnwindOnlyMicrosecondsPerThread,
    int TablesLoaded)
{
    public static LiveSnapshot Take(int pid, int benchmarkRounds = 0)
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

            // Tables are loaded now; time capture + unwind of every thread, as a consistency check would.
            double perThread = 0, unwindOnly = 0;
            if (benchmarkRounds > 0)
            {
                // Warm up, then give tiered compilation time to install optimized code.
                for (int round = 0; round < benchmarkRounds; round++)
                {
                    foreach ((int _, ThreadRegisters regs) in registers)
                    {
                        unwinder.Unwind(regs, StackMemory.Capture(memory, mappings, regs.Rsp));
                    }
                }

                Thread.Sleep(500);
                var stacks = registers.ToDictionary(r => r.Key, r => StackMemory.Capture(memory, mappings, r.Value.Rsp));
                var unwindClock = Stopwatch.StartNew();
                for (int round = 0; round < benchmarkRounds; round++)
                {
                    foreach ((int tid, ThreadRegisters regs) in registers)
                    {
                        unwinder.Unwind(regs, stacks[tid]);
                    }
                }

                unwindOnly = unwindClock.Elapsed.TotalMicroseconds / (benchmarkRounds * registers.Count);

                var clock = Stopwatch.StartNew();
                for (int round = 0; round < benchmarkRounds; round++)
                {
                    foreach ((int _, ThreadRegisters regs) in registers)
                    {
                        unwinder.Unwind(regs, StackMemory.Capture(memory, mappings, regs.Rsp));
                    }
                }

                perThread = clock.Elapsed.TotalMicroseconds / (benchmarkRounds * registers.Count);
            }

            return new LiveSnapshot(results, objects, firstPassMicroseconds, perThread, unwindOnly, unwinder.TablesLoaded);
        });
    }
}
