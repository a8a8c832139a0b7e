namespace Suture.Process.Tracing;

/// <summary>
/// Why the kernel refuses suture access to a process (EPERM from PTRACE_SEIZE, EACCES on
/// /proc/PID/maps or mem: all the same <c>ptrace_may_access</c> check), found from /proc instead
/// of guessed: a tracer on any of its threads, suture's own credentials and capabilities, the
/// target holding capabilities suture lacks, Yama's scope, and otherwise a security module.
/// </summary>
public static class TraceDenial
{
    private const int CapSysPtrace = 19;

    /// <summary>The reason and its remedy, as one clause for "permission denied ...: {reason}".</summary>
    public static string Explain(int pid)
    {
        // Threads suture itself seized before the refusal name suture's tracer thread: not the culprit.
        List<(int Tid, int Tracer)> traced = ThreadList.Tracers(pid)
            .Where(t => t.Tracer != Environment.ProcessId && ThreadList.ThreadGroup(t.Tracer) != Environment.ProcessId)
            .ToList();
        if (traced.Count > 0)
        {
            (int tid, int tracer) = traced[0];
            string where = tid == pid ? "it" : $"its thread {tid}";
            int owner = ThreadList.ThreadGroup(tracer);
            return ThreadList.Name(owner, tracer) == Tracer.ThreadName
                ? $"{where} is traced by another suture (process {owner}) working on it right now; nothing changed, try again when that one is done"
                : $"{where} is already traced by process {tracer} ({ThreadList.Name(owner, tracer)}; a debugger?); detach that first";
        }

        ProcStatus self = ProcStatus.ReadSelf() ?? ProcStatus.Empty;
        ProcStatus target = ProcStatus.ReadProcess(pid) ?? ProcStatus.Empty;
        ulong mine = self.Mask("CapEff");
        bool canTraceAny = (mine & (1UL << CapSysPtrace)) != 0;
        string myUid = self.First("Uid");
        if (!canTraceAny)
        {
            string theirUid = target.First("Uid");
            ulong theirs = target.Mask("CapPrm");
            if (theirUid.Length > 0 && theirUid != myUid)
            {
                return $"it runs as uid {theirUid} and suture as uid {myUid} without CAP_SYS_PTRACE; run suture as root or with CAP_SYS_PTRACE";
            }

            if ((theirs & ~mine) != 0)
            {
                return $"it holds capabilities suture lacks (mask 0x{theirs & ~mine:x}) and suture has no CAP_SYS_PTRACE; run suture with CAP_SYS_PTRACE";
            }

            return "suture has no CAP_SYS_PTRACE and the process is not dumpable (it changed credentials or called prctl(PR_SET_DUMPABLE, 0)); run suture as root or with CAP_SYS_PTRACE";
        }

        string? yama = ReadTrimmed("/proc/sys/kernel/yama/ptrace_scope");
        if (yama == "3")
        {
            return "kernel.yama.ptrace_scope is 3: the kernel allows no tracing at all until reboot";
        }

        string? modules = ReadTrimmed("/sys/kernel/security/lsm");
        return $"suture runs as uid {myUid} with CAP_SYS_PTRACE and the process has no tracer, so a security module refuses it"
            + (modules is null ? "" : $" (active: {modules})")
            + ": a process inside a Landlock, SELinux or AppArmor sandbox may not trace one outside it; run suture outside that sandbox or in the target's";
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
