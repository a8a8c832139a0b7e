namespace Suture.Native;

/// <summary>Decoded waitpid status of a traced thread.</summary>
internal readonly record struct WaitStatus(int Tid, int Raw)
{
    public bool IsExited => (Raw & 0x7f) == 0;

    public bool IsKilled => (Raw & 0x7f) != 0 && (Raw & 0xff) != 0x7f;

    public bool IsGone => IsExited || IsKilled;

    public bool IsStopped => (Raw & 0xff) == 0x7f;

    /// <summary>The signal of a stop (SIGTRAP for ptrace events and single steps).</summary>
    public int StopSignal => (Raw >> 8) & 0xff;

    /// <summary>The PTRACE_EVENT_* of a stop, 0 for a plain signal-delivery stop.</summary>
    public int Event => (Raw >> 16) & 0xff;

    public bool IsEventStop => IsStopped && Event == Interop.PTRACE_EVENT_STOP;

    public bool IsCloneEvent => IsStopped && Event == Interop.PTRACE_EVENT_CLONE;

    /// <summary>A system call entry or exit stop (PTRACE_SYSCALL with PTRACE_O_TRACESYSGOOD).</summary>
    public bool IsSyscallStop => IsStopped && Event == 0 && StopSignal == Ptrace.SyscallStopSignal;

    /// <summary>A stop that delivers a signal to the tracee (not a ptrace event).</summary>
    public bool IsSignalDeliveryStop => IsStopped && Event == 0 && StopSignal != Ptrace.SyscallStopSignal;
}
