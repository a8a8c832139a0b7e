using Suture.Elf;
using Suture.Process.Objects;
using Suture.Process.Unwinding;

namespace Suture.Process.Tests.Unwinding;

/// <summary>Names the function holding a frame's pc from the objects' symbol tables (tests only).</summary>
internal sealed class Symbolizer
{
    private readonly List<(LoadedObject Object, ElfSymbol[] Functions)> _objects = [];

    public Symbolizer(int pid, IReadOnlyList<LoadedObject> objects)
    {
        foreach (LoadedObject loaded in objects)
        {
            ElfFile file = ElfFile.Load(loaded.OpenPath(pid));
            ElfSymbol[] functions = file.Symbols.Concat(file.DynamicSymbols)
                .Where(s => s.Type == ElfSymbolType.Func && s.IsDefined && s.Size > 0)
                .ToArray();
            _objects.Add((loaded, functions));
        }
    }

    public string? Name(StackFrame frame)
    {
        ulong pc = frame.LookupPc;
        foreach ((LoadedObject loaded, ElfSymbol[] functions) in _objects)
        {
            if (!loaded.Mappings.Any(m => m.Contains(pc)))
            {
                continue;
            }

            ulong link = pc - loaded.Bias;
            return functions.FirstOrDefault(s => link >= s.Value && link < s.Value + s.Size)?.Name;
        }

        return null;
    }

    public IReadOnlyList<string> Names(UnwindResult result) =>
        result.Frames.Select(f => f.IsSignalFrame ? "<signal>" : Name(f) ?? $"0x{f.Pc:x}").ToList();
}
