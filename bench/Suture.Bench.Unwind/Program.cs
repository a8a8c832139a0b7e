using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;
using Suture.Process.Unwinding;

namespace Suture.Bench.Unwind;

/// <summary>
/// <c>Suture.Bench.Unwind PID ROUNDS</c>: the cost of the stack check's unwind per thread, with
/// the tables loaded once (the figure LiveUnwindTests used to assert): the first pass (which
/// loads the tables), then ROUNDS rounds of capture + unwind of every thread, and ROUNDS rounds
/// of unwind alone over stacks captured once. The process is stopped throughout and resumed.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out int pid) || !int.TryParse(args[1], CultureInfo.InvariantCulture, out int rounds) || rounds < 1)
        {
            Console.Error.WriteLine("usage: Suture.Bench.Unwind PID ROUNDS");
            return 2;
        }

        using var tracer = new Tracer();
        JsonObject figures = tracer.Run(() => Measure(pid, rounds));
        Console.WriteLine(figures.ToJsonString());
        return figures["complete"]!.GetValue<bool>() ? 0 : 1;
    }

    private static JsonObject Measure(int pid, int rounds)
    {
        using StoppedProcess stopped = StoppedProcess.Stop(pid);
        IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
        using ProcessMemory memory = ProcessMemory.Open(pid, writable: false);
        IReadOnlyList<LoadedObject> objects = LoadedObjects.Read(pid, mappings, memory);
        var unwinder = new StackUnwinder(pid, objects, mappings);
        if (!unwinder.TryAddVdso(memory, mappings, out string? vdsoError))
        {
            throw new InvalidOperationException(vdsoError);
        }

        var registers = stopped.Threads.ToDictionary(t => t.Tid, stopped.GetRegisters);
        var firstPass = Stopwatch.StartNew();
        var results = registers.ToDictionary(r => r.Key, r => unwinder.Unwind(r.Value, StackMemory.Capture(memory, mappings, r.Value.Rsp)));
        double firstPassUs = firstPass.Elapsed.TotalMicroseconds;

        // Warm up, then give tiered compilation time to install optimized code.
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (_, regs) in registers)
            {
                unwinder.Unwind(regs, StackMemory.Capture(memory, mappings, regs.Rsp));
            }
        }

        Thread.Sleep(500);
        var stacks = registers.ToDictionary(r => r.Key, r => StackMemory.Capture(memory, mappings, r.Value.Rsp));
        var unwindClock = Stopwatch.StartNew();
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (tid, regs) in registers)
            {
                unwinder.Unwind(regs, stacks[tid]);
            }
        }

        double unwindOnlyUs = unwindClock.Elapsed.TotalMicroseconds / (rounds * registers.Count);
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (_, regs) in registers)
            {
                unwinder.Unwind(regs, StackMemory.Capture(memory, mappings, regs.Rsp));
            }
        }
        double perThreadUs = clock.Elapsed.TotalMicroseconds / (rounds * registers.Count);

        return new JsonObject
        {
            ["threads"] = registers.Count,
            ["rounds"] = rounds,
            ["complete"] = results.Values.All(r => r.IsComplete),
            ["frames_mean"] = Math.Round(results.Values.Average(r => r.Frames.Count), 2),
            ["tables_loaded"] = unwinder.TablesLoaded,
            ["first_pass_us"] = Math.Round(firstPassUs, 1),
            ["per_thread_us"] = Math.Round(perThreadUs, 3),
            ["unwind_only_per_thread_us"] = Math.Round(unwindOnlyUs, 3),
        };
    }
}
