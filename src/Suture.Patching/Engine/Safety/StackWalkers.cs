using Suture.Patching.Engine.Symbols;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Patching.Engine.Safety;

/// <summary>Chooses the stack walker for an operation on one process.</summary>
internal static class StackWalkers
{
    /// <param name="applied">The patches loaded in the process, as the operation read them.</param>
    /// <param name="files">The operation's object files, if it has read them already (each object is then parsed once).</param>
    public static IStackWalker For(int pid, IReadOnlyList<LoadedObject> objects, IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory, IReadOnlyList<AppliedPatch> applied, ObjectFiles? files = null) =>
        new DwarfStackWalker(pid, objects, mappings, memory, applied, files);
}
