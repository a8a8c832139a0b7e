using Suture.Elf;
using Suture.Process.Objects;

namespace Suture.Patching.Engine;

/// <summary>
/// Finds objects in a process that switch between user-level stacks (ucontext coroutines, Boost
/// fcontext, green threads). Such stacks are invisible to the stack check: a coroutine suspended
/// inside a function being replaced would later resume into it. Apply refuses by default.
/// </summary>
public static class CoroutineDetector
{
    private static readonly HashSet<string> ImportedSwitches = ["swapcontext", "makecontext", "setcontext"];
    private static readonly HashSet<string> DefinedSwitches = ["jump_fcontext", "make_fcontext", "ontop_fcontext"];

    /// <summary>Each object and the stack-switching symbol it uses, e.g. ("server", "swapcontext").</summary>
    public static IReadOnlyList<(string Object, string Symbol)> Find(IReadOnlyList<LoadedObject> objects, ObjectFiles files)
    {
        var found = new List<(string, string)>();
        foreach (LoadedObject loaded in objects)
        {
            ElfFile? file = ObjectFiles.IsSystemRuntime(loaded) ? null : files.Get(loaded);
            if (file is null)
            {
                continue;
            }

            foreach (ElfSymbol symbol in file.DynamicSymbols)
            {
                if ((!symbol.IsDefined && ImportedSwitches.Contains(symbol.Name)) || (symbol.IsDefined && DefinedSwitches.Contains(symbol.Name)))
                {
                    found.Add((loaded.FileName, symbol.Name));
                    break;
                }
            }
        }

        return found;
    }
}
