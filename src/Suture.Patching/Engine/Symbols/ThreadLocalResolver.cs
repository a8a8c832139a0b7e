using Suture.Elf;
using Suture.Format;
using Suture.Patching.Engine.Operations;
using Suture.Patching.Engine.Placement;
using Suture.Process.Memory;
using Suture.Process.Objects;
using R = Suture.Elf.X86_64RelocationType;

namespace Suture.Patching.Engine.Symbols;

/// <summary>
/// Computes the values thread-local relocations of new code need in one process: the module ID
/// of the object that defines a variable, and where that object's block sits relative to the
/// thread pointer. Both are read from what the dynamic linker already wrote in the process, never
/// guessed from a layout:
/// <list type="bullet">
/// <item>module IDs from relocated <c>R_X86_64_DTPMOD64</c> GOT slots; the executable is module 1;</item>
/// <item>block offsets from relocated <c>R_X86_64_TPOFF64</c> slots, else from a thread's
/// dynamic thread vector (glibc: <c>%fs:8</c> points at it, 16-byte entries indexed by module ID),
/// which also says whether the block is in static TLS, where every thread has it at the same offset.</item>
/// </list>
/// </summary>
internal sealed class ThreadLocalResolver
{
    private const int MaxModuleId = 1 << 16;

    private readonly int _pid;
    private readonly IReadOnlyList<LoadedObject> _objects;
    private readonly ProcessMemory _memory;
    private readonly ObjectFiles _files;
    private readonly LoadedObject _target;
    private readonly string? _executable;
    private readonly Func<string, string?, SymbolDefinition?> _findDefinition;
    private readonly Func<ulong> _threadPointer;
    private readonly Dictionary<LoadedObject, ulong> _moduleIds = [];
    private readonly Dictionary<LoadedObject, ulong> _blockOffsets = [];

    /// <param name="threadPointer">The thread pointer (fs base) of a stopped thread, read only if a thread vector must be consulted.</param>
    public ThreadLocalResolver(OperationContext context, LoadedObject target, Func<ulong> threadPointer)
    {
        _pid = context.Pid;
        _objects = context.Objects;
        _memory = context.Memory;
        _files = context.Files;
        _target = target;
        _findDefinition = context.Resolver.FindDefinition;
        _threadPointer = threadPointer;
        _executable = ProcessExecutable.Path(_pid);
    }

    /// <summary>S for a thread-local relocation (without the addend); see <see cref="PatchLinker.Link"/>.</summary>
    public ulong Resolve(PatchRelocation relocation)
    {
        (LoadedObject owner, ulong offset) = Owner(relocation);
        return relocation.Kind switch
        {
            PatchRelocationKind.TpOff64 or PatchRelocationKind.TpOff32 => BlockOffset(owner, relocation.Symbol) + offset,
            PatchRelocationKind.DtpMod64 => ModuleId(owner, relocation.Symbol),
            _ => offset,
        };
    }

    private (LoadedObject Owner, ulong Offset) Owner(PatchRelocation relocation)
    {
        if (relocation.Target != PatchSymbolKind.External)
        {
            return (_target, relocation.Value);
        }

        SymbolDefinition definition = _findDefinition(relocation.Symbol, relocation.Version)
            ?? throw new SutureException($"process {_pid} has no loaded object that defines the thread-local variable {relocation.Symbol}, which the patch needs; is the right library loaded?", ExitCode.Unpatchable);
        if (definition.Symbol.Type != ElfSymbolType.Tls)
        {
            throw new SutureException($"the patch uses {relocation.Symbol} as a thread-local variable, but {definition.Definer.Path} in process {_pid} defines it as {definition.Symbol.Type}; the patch was built against other libraries", ExitCode.TargetMismatch);
        }

        return (definition.Definer, definition.Symbol.Value);
    }

    private ulong ModuleId(LoadedObject owner, string symbol)
    {
        if (_moduleIds.TryGetValue(owner, out ulong id))
        {
            return id;
        }

        ulong? found = IsExecutable(owner) ? 1 : FromSlots(owner, R.DtpMod64, (_, value) => value);
        if (found is null or 0 && _blockOffsets.TryGetValue(owner, out ulong blockOffset))
        {
            found = ModuleIdFromVector(blockOffset);
        }

        return _moduleIds[owner] = found is ulong value and not 0
            ? value
            : throw new SutureException(
                $"cannot find the TLS module ID of {owner.Path} in process {_pid}, which the patch needs for {symbol}: no loaded object has a dynamic thread-local reference to it",
                ExitCode.Unpatchable);
    }

    /// <summary>Offset of the object's static TLS block from the thread pointer (negative on x86-64, as two's complement).</summary>
    private ulong BlockOffset(LoadedObject owner, string symbol)
    {
        if (_blockOffsets.TryGetValue(owner, out ulong offset))
        {
            return offset;
        }

        ulong? found = IsExecutable(owner) ? null : FromSlots(owner, R.TpOff64, (definition, value) => value - definition);
        found ??= BlockOffsetFromVector(owner, ModuleId(owner, symbol), symbol);
        return _blockOffsets[owner] = found.Value;
    }

    private ulong BlockOffsetFromVector(LoadedObject owner, ulong moduleId, string symbol)
    {
        ulong threadPointer = ThreadPointer();
        (ulong block, ulong toFree) = VectorEntry(threadPointer, moduleId)
            ?? throw new SutureException($"cannot read the thread-local storage vector of process {_pid} for {owner.Path} (module {moduleId}), which the patch needs for {symbol}", ExitCode.Unpatchable);
        if (block == ulong.MaxValue || block == 0 || toFree != 0)
        {
            throw new SutureException(
                $"{symbol} of {owner.Path} in process {_pid} is not in static thread-local storage (the object was loaded with dlopen), so the patch's initial-exec access cannot reach it; build the fix with -ftls-model=global-dynamic",
                ExitCode.Unpatchable);
        }

        return block - threadPointer;
    }

    private ulong? ModuleIdFromVector(ulong blockOffset)
    {
        ulong threadPointer = ThreadPointer();
        ulong? length = _memory.TryReadWord(VectorAddress(threadPointer) - 16);
        for (ulong id = 1; length is ulong count && id <= Math.Min(count, MaxModuleId); id++)
        {
            if (VectorEntry(threadPointer, id) is (ulong block, _) && block == threadPointer + blockOffset)
            {
                return id;
            }
        }

        return null;
    }

    private (ulong Block, ulong ToFree)? VectorEntry(ulong threadPointer, ulong moduleId)
    {
        ulong vector = VectorAddress(threadPointer);
        ulong? length = _memory.TryReadWord(vector - 16);
        if (vector == 0 || length is not ulong count || moduleId > count)
        {
            return null;
        }

        ulong entry = vector + (16 * moduleId);
        return _memory.TryReadWord(entry) is ulong block && _memory.TryReadWord(entry + 8) is ulong toFree ? (block, toFree) : null;
    }

    private ulong ThreadPointer() => _threadPointer();

    private ulong VectorAddress(ulong threadPointer) => _memory.TryReadWord(threadPointer + 8) ?? 0;

    /// <summary>
    /// The first usable relocated slot of <paramref name="type"/> that refers to a variable of
    /// <paramref name="owner"/>, in the owner itself or in any object importing its variables;
    /// <paramref name="select"/> turns the variable's offset in the block and the slot's value into the answer.
    /// </summary>
    private ulong? FromSlots(LoadedObject owner, uint type, Func<ulong, ulong, ulong> select)
    {
        foreach (LoadedObject loaded in _objects.OrderBy(o => o == owner ? 0 : 1))
        {
            foreach (ElfRelocation relocation in _files.Get(loaded)?.DynamicRelocations ?? [])
            {
                if (relocation.Type != type || !RefersTo(loaded, relocation, owner, out ulong definition))
                {
                    continue;
                }

                if (_memory.TryReadWord(loaded.Bias + relocation.Offset) is ulong value && value != 0)
                {
                    return select(definition + (ulong)relocation.Addend, value);
                }
            }
        }

        return null;
    }

    /// <summary>Whether a dynamic relocation of <paramref name="loaded"/> resolves to a variable of <paramref name="owner"/>, and that variable's offset in its block.</summary>
    private bool RefersTo(LoadedObject loaded, ElfRelocation relocation, LoadedObject owner, out ulong offset)
    {
        offset = 0;
        ElfSymbol? symbol = relocation.Symbol;
        if (symbol is null || symbol.Index == 0 || (symbol.Binding == ElfSymbolBinding.Local && symbol.IsDefined))
        {
            offset = symbol?.Value ?? 0;
            return loaded == owner;
        }

        SymbolDefinition? definition = _findDefinition(symbol.Name, symbol.Version);
        if (definition is null || definition.Definer != owner)
        {
            return false;
        }

        offset = definition.Symbol.Value;
        return true;
    }

    private bool IsExecutable(LoadedObject loaded) => loaded.Path == _executable;
}
