using Suture.Patching.Engine.Coroutines;
using Suture.Patching.Engine.Recovery;
using Suture.Patching.Engine.Safety;
using Suture.Patching.Engine.Symbols;
using Suture.Patching.Engine.Unwind;
using Suture.Patching.State;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Operations;

/// <summary>
/// What one operation on one process (apply, revert, check) reads of it, each part once and only
/// when first needed, in the order the operation asks: the maps, the memory, the loaded objects
/// and their files, the applied patches, the coroutine table, the stack walker, the system call
/// gadgets and the symbol resolver. A changing operation holds the process's <see cref="TargetLock"/>
/// and has had leftovers of killed runs collected first. Dispose releases the lock, then closes the memory.
/// </summary>
internal sealed class OperationContext : IDisposable
{
    private readonly TargetLock? _lock;
    private IReadOnlyList<LoadedObject>? _objects;
    private IReadOnlyList<AppliedPatch>? _applied;
    private IStackWalker? _walker;
    private SyscallGadgets? _gadgets;
    private ExternalSymbolResolver? _resolver;
    private CoroutineTable? _coroutines;
    private bool _coroutinesFound;

    private OperationContext(int pid, OperationOptions options, TargetLock? held, IReadOnlyList<MemoryMapping> mappings, ProcessMemory memory)
    {
        Pid = pid;
        Options = options;
        _lock = held;
        Mappings = mappings;
        Memory = memory;
        Files = new ObjectFiles(pid);
    }

    public int Pid { get; }

    public OperationOptions Options { get; }

    /// <summary>The maps as the operation found them (after the collection of leftovers).</summary>
    public IReadOnlyList<MemoryMapping> Mappings { get; }

    public ProcessMemory Memory { get; }

    public ObjectFiles Files { get; }

    public IReadOnlyList<LoadedObject> Objects => _objects ??= LoadedObjects.Read(Pid, Mappings, Memory);

    public IReadOnlyList<AppliedPatch> Applied => _applied ??= AppliedPatchReader.Read(Mappings, Memory);

    public IStackWalker Walker => _walker ??= StackWalkers.For(Pid, Objects, Mappings, Memory, Applied, Files);

    public SyscallGadgets Gadgets => _gadgets ??= SyscallGadgets.Find(Memory, Mappings);

    public ExternalSymbolResolver Resolver => _resolver ??= new ExternalSymbolResolver(Pid, Objects, Memory, Files);

    /// <summary>The table of coroutines the application declares, or null.</summary>
    public CoroutineTable? Coroutines
    {
        get
        {
            if (!_coroutinesFound)
            {
                _coroutines = CoroutineTable.Find(Objects, Files);
                _coroutinesFound = true;
            }

            return _coroutines;
        }
    }

    /// <summary>Reads the declared coroutines' saved registers (with the process stopped), or null when none are declared.</summary>
    public Func<IReadOnlyList<ThreadRegisters>>? CoroutineContexts
    {
        get
        {
            CoroutineTable? table = Coroutines;
            return table is null ? null : () => table.Read(Memory);
        }
    }

    /// <summary>For apply and revert: takes the lock, opens the memory for writing and collects what killed runs left.</summary>
    public static OperationContext ForChange(int pid, OperationOptions options)
    {
        ProcessMemory memory = ProcessMemory.Open(pid, writable: true);
        TargetLock? held = null;
        try
        {
            held = TargetLock.Acquire(memory, options);
            IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
            if (OrphanCollector.Collect(pid, options, mappings, memory).DidAnything)
            {
                mappings = MemoryMapReader.Read(pid);
            }

            return new OperationContext(pid, options, held, mappings, memory);
        }
        catch
        {
            held?.Dispose();
            memory.Dispose();
            throw;
        }
    }

    /// <summary>For a check that changes nothing: no lock, the memory read-only.</summary>
    public static OperationContext ForReading(int pid, OperationOptions options)
    {
        IReadOnlyList<MemoryMapping> mappings = MemoryMapReader.Read(pid);
        return new OperationContext(pid, options, null, mappings, ProcessMemory.Open(pid, writable: false));
    }

    /// <summary>
    /// Runs <paramref name="action"/> with every thread stopped once none is busy in
    /// <paramref name="ranges"/> (<see cref="QuiescentStop"/>), letting threads run out of frames
    /// that have not returned yet (<see cref="ReturnWatch"/>).
    /// </summary>
    public T WhenQuiescent<T>(string what, IReadOnlyList<CodeRange> ranges, Func<StoppedProcess, T> action) =>
        QuiescentStop.Run(Pid, what, ranges, Options, Walker, CoroutineContexts, action, new ReturnWatch(Pid, Memory, Gadgets, Walker, () => UnwindRegistration.Find(Pid, Resolver)));

    public void Dispose()
    {
        _lock?.Dispose();
        Memory.Dispose();
    }
}
