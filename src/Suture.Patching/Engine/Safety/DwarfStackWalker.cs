using Suture.Patching.Engine.Symbols;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;
using Suture.Process.Unwinding;

namespace Suture.Patching.Engine.Safety;

/// <summary>
/// Walks each stopped thread's stack with DWARF call-frame information: every object's table is
/// loaded before the process is stopped and shared by all threads; each stack is read with one
/// bulk read. An unwind that does not reach the outermost frame is reported as a failure.
/// </summary>
internal sealed class DwarfStackWalker : IStackWalker
{
    private const ulong MaxTableSize = 64 << 20;

    private readonly StackUnwinder _unwinder;
    private readonly ProcessMemory _memory;
    private readonly IReadOnlyList<MemoryMapping> _mappings;

    /// <param name="applied">The patches loaded in the process (their records, as the operation read them), whose new code has its own unwind tables.</param>
    /// <param name="files">The operation's object files, shared so each object is parsed once; null to read them here.</param>
    public DwarfStackWalker(int pid, IReadOnlyList<LoadedObject> objects, IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory, IReadOnlyList<AppliedPatch> applied, ObjectFiles? files = null)
    {
        _memory = memory;
        _mappings = mappings;
        _unwinder = new StackUnwinder(pid, objects, mappings, files is null ? null : files.Get);
        _unwinder.TryAddVdso(memory, mappings, out _);
        AddPatchTables(memory, applied);
        _unwinder.Preload();
    }

    /// <summary>The unwind tables of the patches loaded in the process, so stacks through new code walk too.</summary>
    private void AddPatchTables(ProcessMemory memory, IReadOnlyList<AppliedPatch> applied)
    {
        foreach (AppliedPatch patch in applied)
        {
            if (patch.UnwindTable == 0 || patch.UnwindTableSize is 0 or > MaxTableSize)
            {
                continue;
            }

            byte[] bytes = new byte[patch.UnwindTableSize];
            if (!memory.TryRead(patch.UnwindTable, bytes))
            {
                continue;
            }

            var table = new EhFrameTable(bytes, patch.UnwindTable);
            if (table.FdeCount > 0 && table.HighPc() > table.LowPc)
            {
                _unwinder.AddTable(0, table, $"the new code of patch {patch.PatchId}");
            }
        }
    }

    public ThreadFrames Walk(in ThreadRegisters registers)
    {
        StackMemory stack = StackMemory.Capture(_memory, _mappings, registers.Rsp);
        UnwindResult result = _unwinder.Unwind(registers, stack);
        var pcs = result.Frames.Select(f => f.LookupPc).ToList();
        if (pcs.Count == 0)
        {
            pcs.Add(registers.Rip); // not even the first frame unwound: the check still sees where it is
        }

        return new ThreadFrames(pcs, result.IsComplete ? null : result.Failure ?? "the stack could not be walked to its outermost frame", result.Frames);
    }
}
