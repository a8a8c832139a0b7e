using Suture.Native;
using Suture.Process.Memory;
using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Process.Tests.Tracing;

/// <summary>
/// Remote system calls on a real process, and what happens when the tracer disappears while it
/// has borrowed a thread (as if suture were killed): the thread must restore itself.
/// </summary>
public sealed class RemoteSyscallsTests
{
    [Fact]
    public void A_system_call_runs_in_the_target_and_its_thread_goes_on()
    {
        using var directory = new TempDirectory();
        using RunningProgram program = RunningProgram.Start(Gcc.Compile(GrandchildTicker.Source, directory.File("ticker")));
        int target = GrandchildTicker.Pid(program, ticking: true);
        using var tracer = new Tracer();

        long pid = tracer.Run(() =>
        {
            using ProcessMemory memory = ProcessMemory.Open(target, writable: true);
            SyscallGadgets gadgets = SyscallGadgets.Find(memory, MemoryMapReader.Read(target));
            using StoppedProcess stopped = StoppedProcess.StopOneThread(target);
            using var syscalls = new RemoteSyscalls(stopped, memory, gadgets);
            return syscalls.Invoke(39); // getpid
        });

        Assert.Equal(target, pid);
        AssertKeepsTicking(program);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_thread_abandoned_mid_call_restores_itself_from_its_recovery_frame(bool atSyscallEntry)
    {
        using var directory = new TempDirectory();
        using RunningProgram program = RunningProgram.Start(Gcc.Compile(GrandchildTicker.Source, directory.File("ticker")));
        int target = GrandchildTicker.Pid(program, ticking: true);
        using var tracer = new Tracer();

        tracer.Run(() =>
        {
            using ProcessMemory memory = ProcessMemory.Open(target, writable: true);
            SyscallGadgets gadgets = SyscallGadgets.Find(memory, MemoryMapReader.Read(target));
            StoppedProcess stopped = StoppedProcess.StopOneThread(target);
            var syscalls = new RemoteSyscalls(stopped, memory, gadgets);
            syscalls.Prepare(39); // getpid, borrowed registers in place
            if (atSyscallEntry)
            {
                Ptrace.ResumeToSyscall(target);
                Assert.True(Ptrace.Wait(target)!.Value.IsSyscallStop);
            }

            // What the kernel does when the tracer dies: detach without restoring anything.
            Assert.True(Ptrace.TryDetach(target, 0));
        });

        AssertKeepsTicking(program);
    }

    private static void AssertKeepsTicking(RunningProgram program)
    {
        int from = program.LineCount;
        int last = program.WaitForLine(l => l.StartsWith("tick", StringComparison.Ordinal), from);
        for (int i = 0; i < 20; i++)
        {
            last = program.WaitForLine(l => l.StartsWith("tick", StringComparison.Ordinal), last + 1);
        }

        IReadOnlyList<string> lines = program.Lines(from);
        var ticks = lines.Where(l => l.StartsWith("tick ", StringComparison.Ordinal)).Select(l => ulong.Parse(l[5..])).ToList();
        Assert.All(ticks.Zip(ticks.Skip(1)), pair => Assert.Equal(pair.First + 1, pair.Second));
        Assert.False(program.HasExited);
    }
}
