using Suture.Process.Unwinding;
using Suture.TestSupport;
using Xunit.Abstractions;

namespace Suture.Process.Tests.Unwinding;

/// <summary>Unwinds real gcc-built programs stopped with ptrace.</summary>
public sealed class LiveUnwindTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("-O2", "-fomit-frame-pointer")]
    [InlineData("-O0")]
    public void Every_thread_unwinds_completely_through_the_call_chain(params string[] flags)
    {
        var target = new TracedTarget(flags);
        try
        {

            LiveSnapshot snapshot = LiveSnapshot.Take(target.Pid);
            var symbols = new Symbolizer(target.Pid, snapshot.Objects);
            var names = snapshot.Threads.ToDictionary(t => t.Key, t => symbols.Names(t.Value));
            foreach ((int tid, UnwindResult result) in snapshot.Threads)
            {
                output.WriteLine($"thread {tid}: {result}: {string.Join(" <- ", names[tid])}");
            }

            Assert.Equal(3, snapshot.Threads.Count);
            Assert.All(snapshot.Threads.Values, r => Assert.True(r.IsComplete, r.Failure));

            IReadOnlyList<string> main = names[target.Pid];
            AssertInOrder(main, "d", "c", "b", "a", "main", "__libc_start_main");
            Assert.Equal("_start", main[^1]);

            IReadOnlyList<string> reader = names.Values.Single(n => n.Contains("reader_wait"));
            AssertInOrder(reader, "reader_wait", "reader_thread");

            IReadOnlyList<string> handler = names.Values.Single(n => n.Contains("<signal>"));
            AssertInOrder(handler, "handler_wait", "on_signal", "<signal>", "spin", "spinner_thread");
            StackFrame interrupted = snapshot.Threads.Values.Single(r => r.Frames.Any(f => f.IsSignalFrame))
                .Frames.SkipWhile(f => !f.IsSignalFrame).Skip(1).First();
            Assert.False(interrupted.IsReturnAddress);
        }
        finally
        {
            target.Dispose();
        }
    }

    [Fact]
    public void Pc_in_anonymous_memory_is_an_incomplete_unwind()
    {
        var target = new TracedTarget(["-O2"], "anon");
        try
        {

            LiveSnapshot snapshot = LiveSnapshot.Take(target.Pid);

            Assert.Equal(4, snapshot.Threads.Count);
            UnwindResult wild = Assert.Single(snapshot.Threads.Values, r => !r.IsComplete);
            output.WriteLine(wild.Failure);
            Assert.StartsWith("frame 0: no unwind information for pc 0x", wild.Failure, StringComparison.Ordinal);
            Assert.Contains("in anonymous memory", wild.Failure, StringComparison.Ordinal);
            Assert.Empty(wild.Frames);
        }
        finally
        {
            target.Dispose();
        }
    }

    /// <summary>The tables are loaded once: unwinding every thread again loads none and gives the same frames (its cost: bench/run.sh --only unwind).</summary>
    [Fact]
    public void Unwinding_again_with_the_tables_loaded_loads_nothing_more_and_gives_the_same_frames()
    {
        var target = new TracedTarget(["-O2"]);
        try
        {
            LiveSnapshot snapshot = LiveSnapshot.Take(target.Pid, repeats: 200);

            output.WriteLine($"{snapshot.TablesLoaded} tables loaded; first pass (loads the tables) {snapshot.FirstPassMicroseconds:F0} us");
            foreach ((int tid, UnwindResult result) in snapshot.Threads)
            {
                output.WriteLine($"thread {tid}: {result}");
            }

            Assert.All(snapshot.Threads.Values, r => Assert.True(r.IsComplete, r.Failure));
            Assert.Equal(snapshot.TablesLoaded, snapshot.TablesLoadedAfterRepeats);
            Assert.Equal(0, snapshot.RepeatsDiffering);
        }
        finally
        {
            target.Dispose();
        }
    }

    [Fact]
    public void Frames_match_gdb()
    {
        var target = new TracedTarget(["-O2"]);
        try
        {
            Dictionary<int, List<ulong?>> gdb = GdbBacktrace.Read(target.Pid);
            Thread.Sleep(200); // gdb has detached; let interrupted system calls restart
            LiveSnapshot snapshot = LiveSnapshot.Take(target.Pid);

            Assert.Equal(gdb.Keys.Order(), snapshot.Threads.Keys.Order());
            foreach ((int tid, UnwindResult result) in snapshot.Threads)
            {
                List<ulong?> ours = result.Frames.Select(f => f.IsSignalFrame ? null : (ulong?)f.Pc).ToList();
                output.WriteLine($"thread {tid}: gdb [{string.Join(", ", gdb[tid].Select(Hex))}]; suture [{string.Join(", ", ours.Select(Hex))}]");
                Assert.True(result.IsComplete, result.Failure);

                // Every frame gdb shows with a pc (and every signal frame) is ours, in the same order.
                int at = 0;
                foreach (ulong? pc in gdb[tid])
                {
                    int found = ours.IndexOf(pc, at);
                    Assert.True(found >= 0, $"thread {tid}: gdb frame {Hex(pc)} is missing from suture's frames after index {at}");
                    at = found + 1;
                }
            }
        }
        finally
        {
            target.Dispose();
        }
    }

    private static string Hex(ulong? pc) => pc is ulong value ? $"0x{value:x}" : "<signal>";

    private static void AssertInOrder(IReadOnlyList<string> frames, params string[] expected)
    {
        int at = 0;
        foreach (string name in expected)
        {
            int found = -1;
            for (int i = at; i < frames.Count; i++)
            {
                if (frames[i] == name || frames[i].StartsWith(name + ".", StringComparison.Ordinal))
                {
                    found = i;
                    break;
                }
            }

            Assert.True(found >= 0, $"'{name}' not found after frame {at} in: {string.Join(" <- ", frames)}");
            at = found + 1;
        }
    }
}
