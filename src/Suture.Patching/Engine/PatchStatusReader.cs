using Suture.Patching.State;
using Suture.Process.Memory;

namespace Suture.Patching.Engine;

/// <summary>Reads which patches a process runs, without stopping it.</summary>
public static class PatchStatusReader
{
    public static IReadOnlyList<AppliedPatch> Read(int pid)
    {
        IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
        using ProcessMemory memory = ProcessMemory.Open(pid, writable: false);
        return AppliedPatchReader.Read(mappings, memory);
    }
}
