using Suture.Native;
using Suture.Process.Tracing;

namespace Suture.Process.Tests.Tracing;

/// <summary>
/// The tracer runs handed-over work on the caller's core (which sleeps meanwhile) and gives the
/// thread its CPUs back after: real sched_setaffinity on this machine's CPUs.
/// </summary>
public sealed class CpuAffinityTests
{
    [Fact]
    public void Work_runs_on_the_given_cpu_and_the_thread_gets_its_cpus_back_after()
    {
        List<int> before = AllowedCpus();
        int cpu = before[^1];
        List<int> during = [];
        int ranOn = -1;
        CpuAffinity.RunOn(cpu, () =>
        {
            during = AllowedCpus();
            ranOn = CpuAffinity.Current();
        });
        Assert.Equal([cpu], during);
        Assert.Equal(cpu, ranOn);
        Assert.Equal(before, AllowedCpus());
    }

    [Fact]
    public void A_cpu_the_thread_may_not_use_pins_nothing_and_the_work_still_runs()
    {
        List<int> before = AllowedCpus();
        bool ran = false;
        CpuAffinity.RunOn(-1, () => ran = true);
        Assert.True(ran);
        CpuAffinity.RunOn(1023, () => Assert.Equal(before, AllowedCpus())); // not on this machine
        Assert.Equal(before, AllowedCpus());
    }

    [Fact]
    public void A_failing_work_still_gives_the_thread_its_cpus_back()
    {
        List<int> before = AllowedCpus();
        Assert.Throws<InvalidOperationException>(() => CpuAffinity.RunOn(before[0], () => throw new InvalidOperationException("fails")));
        Assert.Equal(before, AllowedCpus());
    }

    [Fact]
    public void Tracer_work_runs_kept_on_one_cpu()
    {
        using var tracer = new Tracer();
        Assert.Single(tracer.Run(() => AllowedCpus()));
        Assert.Throws<InvalidOperationException>(() => tracer.Run<int>(() => throw new InvalidOperationException("fails")));
        Assert.Single(tracer.Run(() => AllowedCpus()));
    }

    [Fact]
    public void A_thread_started_by_pinned_work_gets_the_main_threads_cpus_back()
    {
        List<int> main = [];
        List<int> inherited = [];
        List<int> restored = [];
        using var tracer = new Tracer();
        tracer.Run(() =>
        {
            var worker = new Thread(() =>
            {
                inherited = AllowedCpus();
                CpuAffinity.LikeMainThread();
                restored = AllowedCpus();
            });
            worker.Start();
            worker.Join();
        });
        main = MainThreadCpus();
        // pthread_create hands the creator's CPUs down (NativeAOT keeps them; the JIT runtime of
        // this test host resets new threads to the process's), so only the restore is asserted.
        Assert.True(inherited.Count >= 1);
        Assert.Equal(main, restored);
    }

    private static unsafe List<int> MainThreadCpus()
    {
        byte* mask = stackalloc byte[128];
        Assert.Equal(0, Interop.SchedGetAffinity(Environment.ProcessId, 128, mask));
        return Cpus(mask);
    }

    private static unsafe List<int> AllowedCpus()
    {
        byte* mask = stackalloc byte[128];
        Assert.Equal(0, Interop.SchedGetAffinity(0, 128, mask));
        return Cpus(mask);
    }

    private static unsafe List<int> Cpus(byte* mask)
    {
        List<int> cpus = [];
        for (int i = 0; i < 1024; i++)
        {
            if ((mask[i / 8] & (1 << (i % 8))) != 0)
            {
                cpus.Add(i);
            }
        }

        return cpus;
    }
}
