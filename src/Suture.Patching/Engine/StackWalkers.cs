using Suture.Process.Memory;

namespace Suture.Patching.Engine;

/// <summary>Chooses the stack walker for an operation on one process.</summary>
public static class StackWalkers
{
    public static IStackWalker For(int pid, IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory)
    {
        _ = pid;
        _ = mappings;
        _ = memory;
        return InstructionPointerWalker.Instance;
    }
}
