using Suture.Build.Diff;
using Suture.Elf;
using Suture.Patching.Format;
using Suture.X86;

namespace Suture.Build.Assembly;

internal sealed partial class PatchAssembler
{
    private const string EntryPoint = "main";

    /// <summary>One redirect per changed function: where it is in the target and which bytes the jump replaces.</summary>
    private List<PatchFunction> Redirects()
    {
        var functions = new List<PatchFunction>();
        foreach (ObjectChanges change in Changes)
        {
            foreach (ObjectFunction function in change.Changed)
            {
                var section = new SectionRef(change.Patched, function.Section);
                ObjectFunction? before = change.Original.Functions.GetValueOrDefault(function.Key);
                if (function.Name == EntryPoint)
                {
                    RefuseNeverReturning(section, change, function, "main runs for the whole life of the process and never returns");
                    continue;
                }

                if (SymbolKeys.IsColdPart(function.Key))
                {
                    continue; // only its function jumps into it, and that function is replaced
                }

                if (before is not null && ControlFlow.LoopsForever(before, change.Original.File))
                {
                    RefuseNeverReturning(section, change, function, $"{function.Name} loops forever and never returns (no return instruction; it ends with a jump back into itself), so a thread running it never leaves the old code");
                    continue;
                }

                string oldName = before?.Name ?? function.Name;
                ElfSymbol? old = FindInTarget(section, oldName, mustExist: true);
                if (old is null)
                {
                    continue;
                }

                byte[] entry = new byte[(int)Math.Min(old.Size, 64)];
                if (!_target.File.TryReadAtAddress(old.Value, entry))
                {
                    Refuse(section, $"the code of {oldName} at 0x{old.Value:x} cannot be read from {_target.Path}");
                    continue;
                }

                uint skip = Jump.StartsWithEndbr64(entry) ? (uint)Jump.EndbrLength : 0;
                if (old.Size < skip + Jump.Length)
                {
                    Refuse(section, $"is {old.Size} bytes long in {_target.Name}, too short for the {Jump.Length}-byte jump{(skip > 0 ? " after its endbr64" : "")}");
                    continue;
                }

                functions.Add(new PatchFunction(
                    oldName,
                    old.Value,
                    old.Size,
                    skip,
                    entry.AsSpan((int)skip, Jump.Length).ToArray(),
                    _offsets[section] + function.Symbol.Value,
                    function.Symbol.Size));
            }
        }

        return functions;
    }

    /// <summary>New code for a function that never returns could never run. Say why it changed, if it is inlining.</summary>
    private void RefuseNeverReturning(SectionRef section, ObjectChanges change, ObjectFunction function, string why)
    {
        ObjectFunction? old = change.Original.Functions.GetValueOrDefault(function.Key);
        var inlined = change.Changed
            .Where(f => f != function && !SymbolKeys.IsColdPart(f.Key) && old is not null && !old.RelocationKeys.Any(k => k.Contains(":" + f.Key + "+", StringComparison.Ordinal) || k.EndsWith(":" + f.Key, StringComparison.Ordinal)))
            .Select(f => f.Name)
            .ToList();
        string because = inlined.Count > 0 ? $" because {string.Join(", ", inlined)} {(inlined.Count == 1 ? "is" : "are")} inlined into it" : "";
        Refuse(section, $"the fix changes {function.Name}{because}; {why}, so changed code in it can never take effect live (build the program so the function is not inlined, e.g. __attribute__((noinline)) or -fno-inline, or move the change out of {function.Name} into a function it calls)");
    }
}
