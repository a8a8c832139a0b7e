using Suture.Build.Diff;
using Suture.Elf;
using Suture.Format;
using Suture.X86;

namespace Suture.Build.Assembly;

internal sealed partial class PatchAssembler
{
    private const string EntryPoint = "main";

    private static bool IsLocalAlias(string symbol) => symbol.EndsWith(".localalias", StringComparison.Ordinal);

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

                // Aliases name one function: C++ complete- and base-object constructors and
                // destructors (D1/D2, C1/C2) that gcc emits at one address, alias attributes.
                ulong newAddress = _offsets[section] + function.Symbol.Value;
                PatchFunction? alias = functions.FirstOrDefault(f => f.OldAddress == old.Value);
                if (alias is not null)
                {
                    if (alias.NewOffset != newAddress)
                    {
                        Refuse(section, $"{oldName} and {alias.Symbol} are one function at 0x{old.Value:x} in {_target.Name}, but the fix makes them two (restart the program with the fixed build)");
                    }
                    else if (IsLocalAlias(alias.Symbol) && !IsLocalAlias(oldName))
                    {
                        // gcc's local entry point of a global function of PIC code (the target of
                        // its calls to itself): the function is named by its own name.
                        functions[functions.IndexOf(alias)] = alias with { Symbol = oldName };
                    }

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
                    newAddress,
                    function.Symbol.Size));
            }
        }

        return functions;
    }

    /// <summary>
    /// New code for a function that never returns could never run. Say why it changed: its own
    /// source, a changed function gcc inlined into it (from the debug information), or a call to
    /// a changed function that gcc now compiles differently (it infers attributes such as
    /// <c>noreturn</c> or <c>pure</c> from the callee's body), and what to do about each.
    /// </summary>
    private void RefuseNeverReturning(SectionRef section, ObjectChanges change, ObjectFunction function, string why)
    {
        ObjectFunction? old = change.Original.Functions.GetValueOrDefault(function.Key);
        List<ObjectFunction> others = change.Changed.Where(f => f != function && !SymbolKeys.IsColdPart(f.Key)).ToList();
        IReadOnlySet<string>? fromDebugInfo = InlinedCalls.Into(change.Patched.File, function.Name);
        List<string> inlined = fromDebugInfo is not null
            ? change.Changed.Concat(change.Added).Where(f => f != function).Select(f => SymbolKeys.Normalize(f.Name).Split('.')[0]).Where(fromDebugInfo.Contains).Distinct().ToList()
            : others.Where(f => old is not null && !Calls(old, f.Key)).Select(f => f.Name).ToList();
        List<string> called = others.Where(f => old is not null && Calls(old, f.Key) && Calls(function, f.Key) && !inlined.Contains(f.Name)).Select(f => f.Name).ToList();
        string what = $"the fix changes {function.Name}";
        string remedy = $"move the change out of {function.Name} into a function it calls, or restart the program with the fixed build";
        if (inlined.Count > 0)
        {
            what += $" because {string.Join(", ", inlined)} {(inlined.Count == 1 ? "is" : "are")} inlined into it";
            remedy = $"build the program so {(inlined.Count == 1 ? "it is" : "they are")} not inlined (__attribute__((noinline)) or -fno-inline), or restart the program with the fixed build";
        }
        else if (called.Count > 0 && old is not null && function.Code.Length != 0 && SameOwnCode(old, function, called))
        {
            what += $": nothing of its own changed, but gcc compiles its call{(called.Count == 1 ? "" : "s")} to {string.Join(", ", called)} differently now that {(called.Count == 1 ? "it changed" : "they changed")} (it infers attributes such as noreturn, pure or const from a callee's body)";
            remedy = $"mark {string.Join(", ", called)} __attribute__((noipa)) in the fix so callers are compiled as before, or restart the program with the fixed build";
        }

        Refuse(section, $"{what}; {why}, so changed code in it can never take effect live ({remedy})");
    }

    /// <summary>Whether one of the function's relocations names the function with key <paramref name="key"/>.</summary>
    private static bool Calls(ObjectFunction function, string key) =>
        function.RelocationKeys.Any(k => k.Contains(":" + key + "+", StringComparison.Ordinal) || k.Contains(":" + key + "-", StringComparison.Ordinal) || k.EndsWith(":" + key, StringComparison.Ordinal));

    /// <summary>
    /// True when the function's references, apart from those to the changed callees, are the
    /// same before and after: its own source did not change what it uses (a heuristic; the code
    /// around the calls may differ).
    /// </summary>
    private static bool SameOwnCode(ObjectFunction old, ObjectFunction @new, List<string> callees)
    {
        static IEnumerable<string> Targets(ObjectFunction f) => f.RelocationKeys.Select(k => k.Split(':', 3) is { Length: 3 } p ? p[2] : k).Order(StringComparer.Ordinal);
        return Targets(old).Where(t => !callees.Any(c => t.StartsWith(c, StringComparison.Ordinal))).Distinct().SequenceEqual(
            Targets(@new).Where(t => !callees.Any(c => t.StartsWith(c, StringComparison.Ordinal))).Distinct());
    }
}
