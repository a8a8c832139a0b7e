using Suture.Format;
using Suture.Patching.Engine.Placement;
using Suture.Process.Unwinding;

namespace Suture.Patching.Engine.Unwind;

/// <summary>
/// Proves, before apply changes anything, that the stack check will be able to walk the new code
/// with the patch's own unwind table (<c>UNWD</c>), the same way revert and later applies walk it:
/// every CIE and FDE decodes, every FDE's instructions run, every FDE describes code of the patch
/// (none reaches outside it, where it would take precedence over the objects' own tables), and every
/// redirected function is covered from its first to its last byte. Otherwise a patch that applied
/// could never be reverted ("cannot be checked").
/// </summary>
internal static class UnwindTableCheck
{
    /// <summary>Where the table is linked for the check: low enough that every reference kind fits.</summary>
    private const ulong CheckBase = 0x1000_0000;

    private const int MaxProblemsShown = 3;

    /// <summary>Throws <see cref="ExitCode.CorruptPatch"/> naming the problems; does nothing for a patch without a table.</summary>
    public static void Verify(PatchFile patch, string subject)
    {
        if (Refusal(patch) is string refusal)
        {
            throw Refused(refusal, subject);
        }
    }

    /// <summary>Why apply must refuse the patch (its table's problems and the remedy), or null when its table is usable or absent.</summary>
    public static string? Refusal(PatchFile patch)
    {
        IReadOnlyList<string> problems = FindProblems(patch);
        return problems.Count == 0
            ? null
            : $"the unwind table of patch {patch.Metadata.Id} is unusable ({string.Join("; ", problems.Take(MaxProblemsShown))}{(problems.Count > MaxProblemsShown ? $"; {problems.Count - MaxProblemsShown} more" : "")}); applying it would leave the patch impossible to check and revert; rebuild the patch";
    }

    /// <summary>The <see cref="ExitCode.CorruptPatch"/> refusal of <paramref name="subject"/> for <paramref name="refusal"/>.</summary>
    public static SutureException Refused(string refusal, string subject) => new($"{subject}: {refusal}", ExitCode.CorruptPatch);

    /// <summary>Every problem found, empty for a usable table or none.</summary>
    public static IReadOnlyList<string> FindProblems(PatchFile patch)
    {
        if (patch.Unwind is not { } unwind)
        {
            return [];
        }

        // The table's pointers are relocations: link just those, at a fixed address. Every other
        // symbol resolves to the same address, so each PC-relative value fits.
        ulong start = unwind.EhFrameOffset;
        ulong end = start + unwind.EhFrameSize;
        PatchFile tableOnly = patch with { Relocations = patch.Relocations.Where(r => r.Offset >= start && r.Offset < end).ToList() };
        byte[] linked = PatchLinker.Link(tableOnly, CheckBase, CheckBase, _ => CheckBase, _ => 0);
        var table = new EhFrameTable(linked.AsMemory((int)start, (int)unwind.EhFrameSize), CheckBase + start);

        var problems = new List<string>();
        if (table.ParseError is { } parse)
        {
            problems.Add(parse);
        }

        problems.AddRange(table.Validate(MaxProblemsShown + 1));
        IReadOnlyList<(ulong Begin, ulong End)> ranges = table.Ranges(problems);
        ulong codeEnd = CheckBase + (ulong)patch.Image.Code.Length;
        foreach ((ulong begin, ulong stop) in ranges.Where(r => r.Begin < CheckBase || r.End > codeEnd))
        {
            problems.Add($"an FDE describes 0x{begin:x}..0x{stop:x}, outside the new code (0x{CheckBase:x}..0x{codeEnd:x})");
        }

        foreach (PatchFunction function in patch.Functions)
        {
            if (!Covers(ranges, CheckBase + function.NewOffset, CheckBase + function.NewOffset + function.NewSize))
            {
                problems.Add($"no FDE covers the whole new code of {function.Symbol} (image offset 0x{function.NewOffset:x}, {function.NewSize} bytes)");
            }
        }

        return problems;
    }

    /// <summary>True when <paramref name="ranges"/> (sorted by start) leave no byte of [begin, end) uncovered.</summary>
    private static bool Covers(IReadOnlyList<(ulong Begin, ulong End)> ranges, ulong begin, ulong end)
    {
        ulong covered = begin;
        foreach ((ulong from, ulong to) in ranges)
        {
            if (from > covered)
            {
                break;
            }

            covered = Math.Max(covered, to);
            if (covered >= end)
            {
                return true;
            }
        }

        return covered >= end;
    }
}
