using Suture.Elf;

namespace Suture.Build.Diff;

/// <summary>
/// Compares two builds of one object file function by function and variable by variable, pairing
/// symbols by key (<see cref="SymbolKeys"/>), so a clone renumbered by the fix is still the same
/// function.
/// </summary>
internal static class ObjectDiff
{
    public static ObjectChanges Compare(string relativePath, ObjectIndex original, ObjectIndex patched, LineMap? lines = null)
    {
        var changed = new List<ObjectFunction>();
        var added = new List<ObjectFunction>();
        var refusals = new List<string>();
        var lineNumbersOnly = new List<string>();
        if (IsLinkTimeOptimised(original.File) || IsLinkTimeOptimised(patched.File))
        {
            refusals.Add($"{patched.DisplayName}: (every function): built with -flto: the code is generated when the program is linked, so the object cannot be compared or copied function by function (build with -fno-lto, in CFLAGS and LDFLAGS, both the deployed binary and the patch)");
            return new ObjectChanges(relativePath, original, patched, changed, added, refusals);
        }

        foreach ((string name, ObjectFunction function) in patched.Functions)
        {
            if (!original.Functions.TryGetValue(name, out ObjectFunction? before))
            {
                added.Add(function);
            }
            else if (!function.SameAs(before))
            {
                if (LineNumberChange.Find(before, function, lines ?? LineMap.Empty) is { } moved)
                {
                    lineNumbersOnly.Add($"{function.Name} ({string.Join(", ", moved.Lines.Distinct().Select(l => $"{moved.File}:{l.Old} -> {l.New}"))} passed to {moved.Callee})");
                }
                else
                {
                    changed.Add(function);
                }
            }
        }

        AddParentsOfColdParts(patched, changed);
        bool sameDebugInformation = SameDebugInformation(original.File, patched.File);
        foreach ((string name, ElfSymbol variable) in patched.Variables)
        {
            if (!original.Variables.TryGetValue(name, out ElfSymbol? before) || patched.IsConstant(variable))
            {
                continue; // a new variable lives in the patch's own data, and so does a constant its users compare by content
            }

            if (variable.Size != before.Size)
            {
                refusals.Add($"{patched.DisplayName}: {variable.Name}: the size of an existing variable changes ({before.Size} -> {variable.Size} bytes); the running process keeps the old layout (keep the variable as it is and put new state in a new variable, or restart the program with the fixed build)");
            }
            else if (!sameDebugInformation && TypeChange(original, before, patched, variable) is { } change)
            {
                refusals.Add($"{patched.DisplayName}: {variable.Name}: the type of an existing variable changes ({change}); the running process keeps the old layout (keep the old members in their places and add new state in a new variable, or restart the program with the fixed build)");
            }
            else if (!patched.InitialValue(variable).SequenceEqual(original.InitialValue(before))
                || !patched.InitialReferences(variable).SequenceEqual(original.InitialReferences(before)))
            {
                refusals.Add($"{patched.DisplayName}: {variable.Name}: the initial value of an existing variable changes; the running process already initialised it (set the new value from the fixed code, or restart the program with the fixed build)");
            }
        }

        refusals.AddRange(MovedStatics(original, patched));
        foreach (string name in patched.ThreadLocals.Keys.Except(original.ThreadLocals.Keys))
        {
            refusals.Add($"{patched.DisplayName}: {name}: new thread-local variables cannot be added to running threads");
        }

        return new ObjectChanges(relativePath, original, patched, changed, added, refusals) { LineNumbersOnly = lineNumbersOnly };
    }

    /// <summary>
    /// A function-local static is keyed by the function that references it first
    /// (<c>count@tick</c>); when the fix moves that reference (the owner is inlined into another
    /// function, say), the running variable would look gone and a new zeroed one would take its
    /// place, silently losing the process's state. Refused when a writable static of one name
    /// disappears and one of the same name appears.
    /// </summary>
    private static IEnumerable<string> MovedStatics(ObjectIndex original, ObjectIndex patched)
    {
        static string? BaseName(string key) => key.IndexOf('@', StringComparison.Ordinal) is > 0 and int at ? key[..at] : null;
        var gone = original.Variables
            .Where(v => !patched.Variables.ContainsKey(v.Key) && !original.IsConstant(v.Value) && BaseName(v.Key) is not null)
            .ToLookup(v => BaseName(v.Key)!, v => v.Key, StringComparer.Ordinal);
        foreach ((string key, ElfSymbol variable) in patched.Variables)
        {
            if (!original.Variables.ContainsKey(key) && !patched.IsConstant(variable) && BaseName(key) is { } name && gone.Contains(name))
            {
                yield return $"{patched.DisplayName}: {variable.Name}: the function-local static {string.Join(", ", gone[name])} of the running process is now referenced first by another function ({key}); suture cannot tell whether it is the same variable and would lose its value (keep the function that owns it out of line, e.g. __attribute__((noinline)), or restart the program with the fixed build)";
            }
        }
    }

    /// <summary>
    /// <c>OLD -> NEW</c> when both builds describe the variable and its layout differs; null when
    /// it is the same or either build has no debug information for it (then only its size and
    /// initial value are compared).
    /// </summary>
    private static string? TypeChange(ObjectIndex original, ElfSymbol before, ObjectIndex patched, ElfSymbol after) =>
        original.Types.Of(before) is { } old && patched.Types.Of(after) is { } @new && old.Layout != @new.Layout
            ? TypeChangeText.Format(old, @new)
            : null;

    /// <summary>
    /// True when the debug sections and symbol tables of both builds are byte for byte the same
    /// (an object the fix does not touch), so no variable's type can differ.
    /// </summary>
    private static bool SameDebugInformation(ElfFile original, ElfFile patched)
    {
        static IEnumerable<ElfSection> Relevant(ElfFile file) => file.Sections.Where(s =>
            s.Name.StartsWith(".debug_", StringComparison.Ordinal) || s.Name.StartsWith(".rela.debug_", StringComparison.Ordinal)
            || s.Type is ElfSectionType.SymTab or ElfSectionType.StrTab);

        List<ElfSection> before = Relevant(original).ToList();
        List<ElfSection> after = Relevant(patched).ToList();
        return before.Count == after.Count
            && before.Zip(after).All(p => p.First.Name == p.Second.Name && p.First.Data.Span.SequenceEqual(p.Second.Data.Span));
    }

    /// <summary>An object built with <c>-flto</c> carries GCC's intermediate code (<c>.gnu.lto_*</c> sections), with or without fat code beside it.</summary>
    public static bool IsLinkTimeOptimised(ElfFile file) => file.Sections.Any(s => s.Name.StartsWith(".gnu.lto_", StringComparison.Ordinal));

    /// <summary>
    /// A changed cold part is only reached by jumps from its function, which must then be
    /// replaced too (the old function would keep jumping into the old part).
    /// </summary>
    private static void AddParentsOfColdParts(ObjectIndex patched, List<ObjectFunction> changed)
    {
        foreach (ObjectFunction cold in changed.Where(f => SymbolKeys.IsColdPart(f.Key)).ToList())
        {
            if (patched.Functions.TryGetValue(SymbolKeys.ParentOfColdPart(cold.Key), out ObjectFunction? parent) && !changed.Contains(parent))
            {
                changed.Add(parent);
            }
        }
    }
}
