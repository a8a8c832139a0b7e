using System.Buffers.Binary;
using Suture.Elf;
using Suture.Patching.Engine.Symbols;
using Suture.Process.Memory;
using Suture.Process.Objects;
using Suture.Process.Tracing;

namespace Suture.Patching.Engine.Coroutines;

/// <summary>
/// The table through which an application declares its suspended coroutines so the safety check
/// can walk their stacks (docs/consistency.md):
/// <c>struct { uint32 magic = 'SUTR'; uint32 count; struct { void *pc, *sp, *fp; } *entries; } suture_coroutines;</c>
/// </summary>
internal sealed class CoroutineTable
{
    public const string SymbolName = "suture_coroutines";
    public const uint Magic = 0x53555452;
    private const uint MaxEntries = 65536;

    private CoroutineTable(ulong address, string objectName)
    {
        Address = address;
        ObjectName = objectName;
    }

    /// <summary>Run-time address of the table.</summary>
    public ulong Address { get; }

    public string ObjectName { get; }

    /// <summary>The table exported (or defined in the symbol table) by any loaded object, else null.</summary>
    public static CoroutineTable? Find(IReadOnlyList<LoadedObject> objects, ObjectFiles files)
    {
        foreach (LoadedObject loaded in objects)
        {
            ElfFile? file = ObjectFiles.IsSystemRuntime(loaded) ? null : files.Get(loaded);
            if (file is null)
            {
                continue;
            }

            ElfSymbol? symbol = file.DynamicSymbols.Concat(file.Symbols).FirstOrDefault(s => s.IsDefined && s.Name == SymbolName && s.Size >= 16);
            if (symbol is not null)
            {
                return new CoroutineTable(loaded.Bias + symbol.Value, loaded.FileName);
            }
        }

        return null;
    }

    /// <summary>The saved registers of each declared coroutine; read while the process is stopped.</summary>
    public IReadOnlyList<ThreadRegisters> Read(ProcessMemory memory)
    {
        Span<byte> header = stackalloc byte[16];
        if (!memory.TryRead(Address, header) || BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            throw new SutureException($"process {memory.Pid}: {SymbolName} in {ObjectName} at 0x{Address:x} does not start with its magic number; the coroutine stacks cannot be checked", ExitCode.Unpatchable);
        }

        uint count = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header[4..]), MaxEntries);
        ulong entries = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        byte[] raw = new byte[count * 24];
        if (count > 0 && !memory.TryRead(entries, raw))
        {
            throw new SutureException($"process {memory.Pid}: the entries of {SymbolName} at 0x{entries:x} cannot be read; the coroutine stacks cannot be checked", ExitCode.Unpatchable);
        }

        var contexts = new List<ThreadRegisters>((int)count);
        for (int i = 0; i < count; i++)
        {
            contexts.Add(ThreadRegisters.ForContext(
                rip: BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 24)),
                rsp: BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan((i * 24) + 8)),
                rbp: BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan((i * 24) + 16))));
        }

        return contexts;
    }
}
