using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Patching.Engine;

/// <summary>Chooses the stack walker for an operation on one process.</summary>
public static class StackWalkers
{
    public static IStackWalker For(int pid, IReadOnlyList<LoadedObject> objects, IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory) =>
        new DwarfStackWalker(pid, objects, mappings, memory);
}
