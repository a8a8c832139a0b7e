using Suture.Elf;
using Suture.Patching.Engine.Symbols;
using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Patching.Engine.Coroutines;

/// <summary>
/// Finds objects in a process that switch between user-level stacks (ucontext coroutines, Boost
/// fcontext, green threads). Such stacks are invisible to the stack check: a coroutine suspended
/// inside a function being replaced would later resume into it. Apply refuses by default.
/// Importing is not using: OpenSSL 3's libcrypto imports <c>makecontext</c> for its optional async
/// jobs, and a process in which it has provably never set them up (<see cref="OpenSslAsync"/>)
/// is not counted. Other importers are.
/// </summary>
internal static class CoroutineDetector
{
    private static readonly HashSet<string> ImportedSwitches = ["swapcontext", "makecontext", "setcontext"];
    private static readonly HashSet<string> DefinedSwitches = ["jump_fcontext", "make_fcontext", "ontop_fcontext"];

    /// <summary>Each object and the stack-switching symbol it uses, e.g. ("server", "swapcontext").</summary>
    /// <param name="memory">The process's memory, read for evidence that an importer never switched stacks.</param>
    public static IReadOnlyList<(string Object, string Symbol)> Find(IReadOnlyList<LoadedObject> objects, ObjectFiles files, ProcessMemory memory)
    {
        var found = new List<(string, string)>();
        foreach (LoadedObject loaded in objects)
        {
            ElfFile? file = ObjectFiles.IsSystemRuntime(loaded) ? null : files.Get(loaded);
            if (file is null)
            {
                continue;
            }

            ElfSymbol? defined = file.DynamicSymbols.FirstOrDefault(s => s.IsDefined && DefinedSwitches.Contains(s.Name));
            ElfSymbol? imported = file.DynamicSymbols.FirstOrDefault(s => !s.IsDefined && ImportedSwitches.Contains(s.Name));
            if (defined is not null)
            {
                found.Add((loaded.FileName, defined.Name));
            }
            else if (imported is not null)
            {
                if (!OpenSslAsync.IsLibcrypto(loaded, file))
                {
                    found.Add((loaded.FileName, imported.Name));
                    continue;
                }

                bool? started = OpenSslAsync.HasStartedJobs(loaded, file, memory, out string detail);
                if (started != false)
                {
                    found.Add((loaded.FileName, started == true
                        ? $"{imported.Name}: OpenSSL async jobs were set up (ASYNC_init_thread or ASYNC_start_job ran; {detail})"
                        : $"{imported.Name}, and {detail}"));
                }
            }
        }

        return found;
    }
}
