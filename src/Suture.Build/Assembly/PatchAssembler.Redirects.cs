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
                if (function.Name == EntryPoint)
                {
                    RefuseMain(section, change);
                    continue;
                }

                ElfSymbol? old = FindInTarget(section, function.Name, mustExist: true);
                if (old is null)
                {
                    continue;
                }

                byte[] entry = new byte[(int)Math.Min(old.Size, 64)];
                if (!_target.File.TryReadAtAddress(old.Value, entry))
                {
                    Refuse(section, $"the code of {function.Name} at 0x{old.Value:x} cannot be read from {_target.Path}");
                    continue;
                }

                uint skip = Jump.StartsWithEndbr64(entry) ? (uint)Jump.EndbrLength : 0;
                if (old.Size < skip + Jump.Length)
                {
                    Refuse(section, $"is {old.Size} bytes long in {_target.Name}, too short for the {Jump.Length}-byte jump{(skip > 0 ? " after its endbr64" : "")}");
                    continue;
                }

                functions.Add(new PatchFunction(
                    function.Name,
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

    /// <summary>main never returns: new code for it could never run. Say why it changed, if it is inlining.</summary>
    private void RefuseMain(SectionRef section, ObjectChanges change)
    {
        ObjectFunction? oldMain = change.Original.Functions.GetValueOrDefault(EntryPoint);
        var inlined = change.Changed
            .Where(f => f.Name != EntryPoint && oldMain is not null && !oldMain.RelocationKeys.Any(k => k.Contains(":" + f.Name + "+", StringComparison.Ordinal) || k.EndsWith(":" + f.Name, StringComparison.Ordinal)))
            .Select(f => f.Name)
            .ToList();
        string why = inlined.Count > 0 ? $" because {string.Join(", ", inlined)} {(inlined.Count == 1 ? "is" : "are")} inlined into it" : "";
        Refuse(section, $"the fix changes main{why}; main runs for the whole life of the process and never returns, so changed code in it can never take effect live (build the program so the function is not inlined, e.g. __attribute__((noinline)) or -fno-inline, or move the change out of main)");
    }
}
