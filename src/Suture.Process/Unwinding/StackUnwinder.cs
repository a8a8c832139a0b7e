using Suture.Elf;
using Suture.Native;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Process.Unwinding;

/// <summary>
/// Unwinds thread stacks of one process with DWARF call frame information (.eh_frame). Build one
/// per operation: each object's table is loaded the first time a pc in it is met and then shared
/// by every thread. Not thread-safe. An unwind that cannot reach the outermost frame is reported
/// as incomplete with the reason, never as a shorter stack.
/// </summary>
public sealed partial class StackUnwinder
{
    /// <summary>Default bound on frames per stack.</summary>
    public const int DefaultMaxFrames = 512;

    private readonly int _pid;
    private readonly IReadOnlyList<MemoryMapping>? _mappings;
    private readonly List<(ulong Start, ulong End, CodeRegion Region)> _objectRanges = [];
    private readonly List<(ulong Start, ulong End, CodeRegion Region)> _addedRanges = [];

    /// <param name="pid">The process; its objects' files are opened through /proc/PID/map_files.</param>
    /// <param name="objects">The objects it maps (<see cref="LoadedObjects.Read"/>).</param>
    /// <param name="mappings">Its memory map; optional, makes failure messages name what a pc is in.</param>
    /// <param name="files">
    /// Optional: the object files the caller has already read for the same operation, so each is
    /// parsed once; null for an object makes the unwinder read the file itself.
    /// </param>
    public StackUnwinder(int pid, IReadOnlyList<LoadedObject> objects, IReadOnlyList<MemoryMapping>? mappings = null, Func<LoadedObject, ElfFile?>? files = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        _pid = pid;
        _mappings = mappings;
        foreach (LoadedObject loaded in objects)
        {
            var region = new CodeRegion(loaded.Path, loaded.Bias, () => ObjectTableLoader.Load(pid, loaded, files));
            foreach (MemoryMapping mapping in loaded.Mappings.Where(m => m.IsExecutable))
            {
                _objectRanges.Add((mapping.Start, mapping.End, region));
            }
        }

        _objectRanges.Sort((a, b) => a.Start.CompareTo(b.Start));
    }

    public int Pid => _pid;

    /// <summary>Number of object tables loaded so far (each at most once).</summary>
    public int TablesLoaded => _objectRanges.Select(r => r.Region).Distinct().Count(r => r.IsLoaded);

    /// <summary>
    /// Registers code with its own table (Suture's patch code): addresses [LowPc, HighPc) of
    /// <paramref name="table"/> plus <paramref name="bias"/>. Registered code takes precedence
    /// over the objects.
    /// </summary>
    public void AddTable(ulong bias, EhFrameTable table, string name)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(name);
        ulong high = table.HighPc();
        if (table.FdeCount == 0 || high <= table.LowPc)
        {
            throw new ArgumentException($"the unwind table for {name} covers no code", nameof(table));
        }

        _addedRanges.Add((bias + table.LowPc, bias + high, new CodeRegion(name, bias, table)));
    }

    /// <summary>
    /// Loads the table of every object with code now, so that unwinding while the process is
    /// stopped reads no files.
    /// </summary>
    public void Preload()
    {
        foreach (CodeRegion region in _objectRanges.Select(r => r.Region).Distinct())
        {
            region.TryGetTable(out _, out _);
        }
    }

    /// <summary>Registers the vDSO's table, read from the process's memory. False with a reason when it cannot.</summary>
    public bool TryAddVdso(ProcessMemory memory, IReadOnlyList<MemoryMapping> mappings, out string? error)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(mappings);
        MemoryMapping? vdso = mappings.FirstOrDefault(m => m.Path == "[vdso]");
        if (vdso is null)
        {
            error = null;
            return true;
        }

        if (!VdsoTable.TryRead(memory, vdso, out EhFrameTable? table, out ulong bias, out error))
        {
            return false;
        }

        _addedRanges.Add((vdso.Start, vdso.End, new CodeRegion("[vdso]", bias, table)));
        return true;
    }

    /// <summary>Unwinds the stack of a thread with registers <paramref name="regs"/>.</summary>
    public UnwindResult Unwind(in ThreadRegisters regs, StackMemory stack, int maxFrames = DefaultMaxFrames)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return new Walk(this, stack, maxFrames).Run(RegisterSet.FromUserRegs(regs.Raw));
    }

    private CodeRegion? FindRegion(ulong pc)
    {
        foreach ((ulong start, ulong end, CodeRegion region) in _addedRanges)
        {
            if (pc >= start && pc < end)
            {
                return region;
            }
        }

        int low = 0, high = _objectRanges.Count - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            (ulong start, ulong end, CodeRegion region) = _objectRanges[middle];
            if (pc < start)
            {
                high = middle - 1;
            }
            else if (pc >= end)
            {
                low = middle + 1;
            }
            else
            {
                return region;
            }
        }

        return null;
    }

    private string DescribeUnknown(ulong pc)
    {
        MemoryMapping? mapping = _mappings?.FirstOrDefault(m => m.Contains(pc));
        return mapping switch
        {
            null when _mappings is null => "not in any loaded object: anonymous or unmapped memory",
            null => "in unmapped memory",
            { Path: "" } => $"in anonymous memory 0x{mapping.Start:x}-0x{mapping.End:x} {mapping.Permissions}",
            _ => $"in {mapping.Path} 0x{mapping.Start:x}-0x{mapping.End:x} {mapping.Permissions}, which has no registered unwind table",
        };
    }
}
