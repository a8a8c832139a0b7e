using Suture.Build.Diff;
using Suture.Elf;
using R = Suture.Elf.X86_64RelocationType;

namespace Suture.Build.Assembly;

/// <summary>
/// Checks that the rebuilt original is the code the deployed target runs: every function of the
/// original objects linked into the target must have the same size and the same bytes there,
/// except at relocation sites (their values depend on the layout), and every initialised
/// variable the same bytes. The objects are the tree build's, compiled with the build's own
/// flags only (the wrappers add nothing that changes code), so nothing else may differ.
/// </summary>
internal static class BuildEnvironmentCheck
{
    /// <summary>Compares every function and initialised variable of <paramref name="originals"/> with <paramref name="target"/>.</summary>
    public static BuildEnvironmentReport Check(TargetBinary target, IEnumerable<ObjectIndex> originals)
    {
        var differences = new List<BuildDifference>();
        var weak = new Dictionary<string, WeakCopies>(StringComparer.Ordinal);
        var unplaced = target.Unplaced.ToLookup(u => u.Name, StringComparer.Ordinal);
        int compared = 0;
        int total = 0;
        foreach (ObjectIndex obj in originals)
        {
            foreach (ObjectFunction function in obj.Functions.Values)
            {
                total++;
                string? difference = Compare(target, obj, function, ref compared);
                if (difference is null)
                {
                    foreach ((string _, string? file, ulong address) in unplaced[function.Name])
                    {
                        if (file is null || obj.SourceFile is null || file == Path.GetFileName(obj.SourceFile))
                        {
                            compared++;
                            difference = $"the target has other code at 0x{address:x}, where the rebuilt output has it (the rebuild does not reproduce {target.Name}, so its static functions cannot be located)";
                            break;
                        }
                    }
                }

                BuildDifference? found = difference is null ? null : new BuildDifference(obj.SourceFile ?? Path.GetFileName(obj.Path), function.Name, difference);
                if (function.Symbol.Binding is ElfSymbolBinding.Weak or ElfSymbolBinding.GnuUnique)
                {
                    WeakCopies copies = weak.TryGetValue(function.Name, out WeakCopies? known) ? known : weak[function.Name] = new WeakCopies();
                    copies.Matched |= found is null;
                    if (found is not null)
                    {
                        copies.Differences.Add(found);
                    }
                }
                else if (found is not null)
                {
                    differences.Add(found);
                }
            }

            foreach (ElfSymbol variable in obj.Variables.Values)
            {
                string? difference = CompareVariable(target, obj, variable);
                if (difference is not null)
                {
                    differences.Add(new BuildDifference(obj.SourceFile ?? Path.GetFileName(obj.Path), variable.Name, difference));
                }
            }
        }

        // A weak (COMDAT) function, a C++ inline function or template instance, is compiled into
        // every object that uses it, and the linker keeps one copy: the first in link order. The
        // copies may differ (each object devirtualises and inlines with the types it sees), so only
        // when no object's copy is the deployed code is that a difference.
        differences.AddRange(weak.Values.Where(c => !c.Matched).SelectMany(c => c.Differences));
        return new BuildEnvironmentReport(differences, compared, total);
    }

    private sealed class WeakCopies
    {
        public bool Matched { get; set; }

        public List<BuildDifference> Differences { get; } = [];
    }

    private static string? Compare(TargetBinary target, ObjectIndex obj, ObjectFunction function, ref int compared)
    {
        ElfSymbol? deployed = target.TryFind(function.Name, obj.SourceFile, out _);
        if (deployed is null || deployed.Type != ElfSymbolType.Func)
        {
            return null; // inlined everywhere, discarded, or ambiguous: nothing to compare with
        }

        compared++;

        ReadOnlySpan<byte> rebuilt = function.Code.Span;
        if (deployed.Size != (ulong)rebuilt.Length)
        {
            return $"{rebuilt.Length} bytes in the rebuild, {deployed.Size} in {target.Name}";
        }

        byte[] bytes = new byte[rebuilt.Length];
        if (!target.File.TryReadAtAddress(deployed.Value, bytes))
        {
            return $"its code at 0x{deployed.Value:x} cannot be read from {target.Name} (no file bytes at that address)";
        }

        int differs = FirstDifference(rebuilt, bytes, Relocations(obj, function).Select(r => RelaxableBytes(r.Type, (long)(r.Offset - function.Symbol.Value))));
        return differs < 0 ? null : $"code differs at offset {differs} (0x{deployed.Value + (ulong)differs:x} in {target.Name})";
    }

    /// <summary>The first offset where <paramref name="rebuilt"/> and <paramref name="deployed"/> differ outside the <paramref name="masked"/> ranges, -1 when none.</summary>
    private static int FirstDifference(ReadOnlySpan<byte> rebuilt, byte[] deployed, IEnumerable<(long From, long To)> masked)
    {
        bool[] skip = new bool[rebuilt.Length];
        foreach ((long from, long to) in masked)
        {
            for (long i = Math.Max(from, 0); i < Math.Min(to, skip.Length); i++)
            {
                skip[i] = true;
            }
        }

        for (int i = 0; i < rebuilt.Length; i++)
        {
            if (!skip[i] && rebuilt[i] != deployed[i])
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The bytes around a relocation at <paramref name="at"/> the linker may rewrite: the value,
    /// and for sequences it relaxes also the instruction bytes it changes. GOT loads become
    /// <c>lea</c> or direct calls (opcode and prefix); in an executable, initial-exec loads become
    /// immediate moves, and general- and local-dynamic sequences (<c>lea</c> and the call to
    /// <c>__tls_get_addr</c>) become <c>%fs</c> loads.
    /// </summary>
    private static (long From, long To) RelaxableBytes(uint type, long at) => type switch
    {
        R.GotPcRelX or R.RexGotPcRelX or R.GotPcRel or R.GotTpOff => (at - 3, at + 4),
        R.TlsGd => (at - 4, at + 12),
        R.TlsLd => (at - 3, at + 9),
        R.R64 or R.Pc64 => (at, at + 8),
        _ => (at, at + 4),
    };

    private static IEnumerable<ElfRelocation> Relocations(ObjectIndex obj, ObjectFunction function) =>
        obj.File.GetRelocations(function.Section).Where(r => r.Offset >= function.Symbol.Value && r.Offset < function.Symbol.Value + (ulong)function.Code.Length);

    /// <summary>
    /// An initialised variable (not <c>.bss</c>) must have its size and bytes in the target, except
    /// where a relocation fills in an address. Variables the target does not have (discarded) or
    /// cannot tell apart are skipped.
    /// </summary>
    private static string? CompareVariable(TargetBinary target, ObjectIndex obj, ElfSymbol variable)
    {
        ReadOnlySpan<byte> rebuilt = obj.InitialValue(variable);
        ElfSymbol? deployed = target.TryFind(variable.Name, obj.SourceFile, out _);
        if (rebuilt.IsEmpty || deployed is null || deployed.Type != ElfSymbolType.Object)
        {
            return null;
        }

        if (deployed.Size != variable.Size)
        {
            return $"{variable.Size} bytes in the rebuild, {deployed.Size} in {target.Name}";
        }

        byte[] bytes = new byte[rebuilt.Length];
        if (!target.File.TryReadAtAddress(deployed.Value, bytes))
        {
            return $"its initial value at 0x{deployed.Value:x} cannot be read from {target.Name} (no file bytes at that address)";
        }

        long start = (long)variable.Value;
        int differs = FirstDifference(rebuilt, bytes, obj.File.GetRelocations(obj.File.Sections[variable.SectionIndex])
            .Select(r => ((long)r.Offset - start, (long)r.Offset - start + (r.Type is R.R64 or R.Pc64 ? 8 : 4))));
        return differs < 0 ? null : $"initial value differs at offset {differs} (0x{deployed.Value + (ulong)differs:x} in {target.Name})";
    }
}
