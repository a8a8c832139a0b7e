using Suture.Patching.Engine.Recovery;
using Suture.Patching.State;
using Suture.Process.Memory;

namespace Suture.Patching.Engine.Status;

/// <summary>Reads which patches a process runs, without stopping it.</summary>
public static class PatchStatusReader
{
    /// <summary>Every record, judged by what the entries hold, and any suture memory whose record does not decode.</summary>
    public static ProcessPatchStatus ReadStatus(int pid)
    {
        IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
        using ProcessMemory memory = ProcessMemory.Open(pid, writable: false);
        PatchRecords records = AppliedPatchReader.Scan(mappings, memory);
        IReadOnlyList<ChainState> chains = PatchReconciler.Analyze(pid, records.Records, memory);
        var verdicts = chains.SelectMany(c => c.Verdicts).OrderBy(v => v.Record.AppliedUtc).ToList();
        return new ProcessPatchStatus(verdicts, records.Unreadable, chains.Where(c => c.Foreign is not null).Select(c => c.Foreign!).ToList());
    }
}
