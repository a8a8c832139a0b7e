using Suture.Elf;
using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Patching.Engine;

/// <summary>
/// Resolves symbols of other objects the way the dynamic linker would for a new reference: the
/// first object in load order that defines the name (with the requested version, else the
/// default version). Each object's dynamic symbol table is read once, through
/// /proc/PID/map_files so processes in containers resolve against their own files.
/// </summary>
public sealed class ExternalSymbolResolver
{
    private readonly int _pid;
    private readonly IReadOnlyList<LoadedObject> _searchOrder;
    private readonly ObjectFiles _files;

    private readonly ProcessMemory _memory;

    public ExternalSymbolResolver(int pid, IReadOnlyList<LoadedObject> objects, ProcessMemory memory, ObjectFiles files)
    {
        _files = files;
        _pid = pid;
        _memory = memory;
        string? executable = TryReadLink($"/proc/{pid}/exe");
        _searchOrder = objects
            .OrderBy(o => o.Path == executable ? 0 : o.FileName.StartsWith("ld-linux", StringComparison.Ordinal) ? 2 : 1)
            .ThenBy(o => o.Start)
            .ToList();
    }

    public ResolvedSymbol Resolve(string name, string? version)
    {
        foreach (LoadedObject loaded in _searchOrder)
        {
            ElfFile? file = Load(loaded);
            ElfSymbol? symbol = file is null ? null : Find(file, name, version);
            if (symbol is null)
            {
                continue;
            }

            if (symbol.Type == ElfSymbolType.GnuIfunc)
            {
                ulong? resolved = ResolvedIfunc(name);
                return resolved is ulong implementation
                    ? new ResolvedSymbol(implementation, false)
                    : new ResolvedSymbol(loaded.Bias + symbol.Value, true);
            }

            if (symbol.Type == ElfSymbolType.Tls)
            {
                throw new SutureException($"{name} in {loaded.Path} of process {_pid} is a thread-local variable; not supported yet", ExitCode.Unpatchable);
            }

            return new ResolvedSymbol(loaded.Bias + symbol.Value, false);
        }

        string versioned = version is null ? name : $"{name}@{version}";
        throw new SutureException($"process {_pid} has no loaded object that defines {versioned}, which the patch needs; is the right library loaded?", ExitCode.Unpatchable);
    }

    /// <summary>
    /// The implementation the dynamic linker chose for an IFUNC symbol: the GOT entry of any
    /// loaded object that imports it (a lazily bound entry still points at a PLT stub that
    /// resolves and jumps, which is as good for a call).
    /// </summary>
    private ulong? ResolvedIfunc(string name)
    {
        Span<byte> slot = stackalloc byte[8];
        foreach (LoadedObject loaded in _searchOrder)
        {
            ElfFile? file = Load(loaded);
            foreach (ElfRelocation relocation in file?.DynamicRelocations ?? [])
            {
                if (relocation.Symbol?.Name == name && relocation.Type is X86_64RelocationType.JumpSlot or X86_64RelocationType.GlobDat
                    && _memory.TryRead(loaded.Bias + relocation.Offset, slot))
                {
                    ulong value = BitConverter.ToUInt64(slot);
                    if (value != 0)
                    {
                        return value;
                    }
                }
            }
        }

        return null;
    }

    private static ElfSymbol? Find(ElfFile file, string name, string? version)
    {
        ElfSymbol? fallback = null;
        foreach (ElfSymbol symbol in file.DynamicSymbols)
        {
            if (!symbol.IsDefined || symbol.Name != name || symbol.Binding == ElfSymbolBinding.Local)
            {
                continue;
            }

            if (version is not null ? symbol.Version == version : symbol.IsDefaultVersion)
            {
                return symbol;
            }

            fallback ??= version is null ? symbol : null;
        }

        return fallback;
    }

    private ElfFile? Load(LoadedObject loaded) => _files.Get(loaded);

    private static string? TryReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
