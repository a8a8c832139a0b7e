using Suture.Process.Tracing;

namespace Suture.Process.Tests.Tracing;

/// <summary>The one /proc/PID/status reader: the kernel's format, and the real files of this process.</summary>
public sealed class ProcStatusTests
{
    private const string Sample = "Name:\tnginx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nPid:\t4243\nTracerPid:\t0\n"
        + "Uid:\t1000\t1000\t1000\t1000\nCapPrm:\t000001ffffffffff\nCapEff:\t0000000000080000\nSeccomp:\t2\n"
        + "x86_Thread_features:\tshstk wrss\nCpus_allowed_list:\t0-1\n";

    [Fact]
    public void Parse_reads_numbers_masks_and_first_values()
    {
        ProcStatus status = ProcStatus.Parse(Sample);

        Assert.Equal("nginx", status.Field("Name"));
        Assert.Equal("S (sleeping)", status.Field("State"));
        Assert.Equal(4242, status.Number("Tgid"));
        Assert.Equal(0, status.Number("TracerPid"));
        Assert.Equal("1000", status.First("Uid"));
        Assert.Equal(0x1ff_ffff_ffffUL, status.Mask("CapPrm"));
        Assert.Equal(1UL << 19, status.Mask("CapEff"));
        Assert.Equal("2", status.Field("Seccomp"));
        Assert.Equal("shstk wrss", status.Field("x86_Thread_features"));
    }

    [Fact]
    public void Missing_or_malformed_fields_read_as_empty()
    {
        ProcStatus status = ProcStatus.Parse("Tgid:\tmany\nno colon here\n:\tno name\n");

        Assert.Null(status.Field("Pid"));
        Assert.Equal(0, status.Number("Tgid"));
        Assert.Equal(0, status.Number("Pid"));
        Assert.Equal(0UL, status.Mask("CapEff"));
        Assert.Equal("", status.First("Uid"));
        Assert.Null(ProcStatus.Empty.Field("Name"));
    }

    [Fact]
    public void Real_status_files_of_this_process_and_its_thread_are_read()
    {
        int pid = Environment.ProcessId;
        ProcStatus? process = ProcStatus.ReadProcess(pid);
        ProcStatus? thread = ProcStatus.ReadThread(pid, pid);
        ProcStatus? self = ProcStatus.ReadSelf();

        Assert.NotNull(process);
        Assert.NotNull(thread);
        Assert.NotNull(self);
        Assert.Equal(pid, process.Number("Tgid"));
        Assert.Equal(pid, thread.Number("Pid"));
        Assert.Equal(pid, self.Number("Tgid"));
        Assert.NotNull(process.Field("State"));
        Assert.Equal(pid, ThreadList.ThreadGroup(pid));
    }

    [Fact]
    public void A_process_that_does_not_exist_has_no_status()
    {
        Assert.Null(ProcStatus.ReadProcess(int.MaxValue));
        Assert.Null(ProcStatus.ReadThread(int.MaxValue, int.MaxValue));
        Assert.Equal(0, ThreadList.ThreadGroup(int.MaxValue));
    }
}
