using Suture.Elf;

namespace Suture.Build.Diff;

/// <summary>
/// Compares two builds of one object file function by function and variable by variable, pairing
/// symbols by key (<see cref="SymbolKeys"/>), so a clone renumbered by the fix is still the same
/// function.
/// </summary>
internal static class ObjectDiff
{
    public static ObjectChanges Compare(string relativePath, ObjectIndex original, ObjectIndex patched)
    {
        var changed = new List<ObjectFunction>();
        var added = new List<ObjectFunction>();
        var refusals = new List<string>();
        foreach ((string name, ObjectFunction function) in patched.Functions)
        {
            if (!original.Functions.TryGetValue(name, out ObjectFunction? before))
            {
                added.Add(function);
            }
            else if (!function.SameAs(before))
            {
                changed.Add(function);
            }
        }

        AddParentsOfColdParts(patched, changed);
        foreach ((string name, ElfSymbol variable) in patched.Variables)
        {
            if (!original.Variables.TryGetValue(name, out ElfSymbol? before))
            {
                continue; // a new variable lives in the patch's own data
            }

            if (variable.Size != before.Size)
            {
                refusals.Add($"{patched.DisplayName}: {variable.Name}: the size of an existing variable changes ({before.Size} -> {variable.Size} bytes); the running process keeps the old layout");
            }
            else if (!patched.InitialValue(variable).SequenceEqual(original.InitialValue(before)))
            {
                refusals.Add($"{patched.DisplayName}: {variable.Name}: the initial value of an existing variable changes; the running process already initialised it");
            }
        }

        foreach (string name in patched.ThreadLocals.Keys.Except(original.ThreadLocals.Keys))
        {
            refusals.Add($"{patched.DisplayName}: {name}: new thread-local variables cannot be added to running threads");
        }

        return new ObjectChanges(relativePath, original, patched, changed, added, refusals);
    }

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
