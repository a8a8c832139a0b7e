using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Patching.Engine;

/// <summary>Chooses the stack walker for an operation on one process.</summary>
public static class StackWalkers
{
    /// <param name="files">The operation's object files, if it has read them already (each object is then parsed once).</param>
    public static IStackWalker For(int pid, IReadOnlyList<LoadedObject> objects, IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory, ObjectFiles? files = null) =>
        new DwarfStackWalker(pid, objects, mappings, memory, files);
}
