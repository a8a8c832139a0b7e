using System.Text;
using Suture.Build.Diff;
using Suture.Elf;
using Suture.Elf.Dwarf;

namespace Suture.Build.Assembly;

/// <summary>
/// Why a rebuild does not reproduce the deployed binary, as far as the files say: the compiler
/// versions in <c>.comment</c> (kept by Debian's strip) of the target and of the rebuild, and the
/// options gcc recorded in <c>DW_AT_producer</c> (<c>-grecord-gcc-switches</c>, gcc's default) of
/// the target's debug information against the rebuilt objects', minus what Suture's wrappers add.
/// </summary>
internal static class BuildProvenance
{
    /// <summary>
    /// What the wrappers add to the tree builds the check compares (<c>-g</c>; <c>-ffile-prefix-map</c> is
    /// dropped by prefix). The section and extern-access flags only go into <see cref="Workspace.SectionBuild"/>'s
    /// recompiles, so a target built with them differs from the rebuild and must be named.
    /// </summary>
    private static readonly string[] WrapperOptions = [Workspace.CompilerWrappers.Debug];

    /// <summary>One line (possibly empty) naming the compilers and the options that differ.</summary>
    public static string Explain(TargetBinary target, IReadOnlyList<ObjectIndex> rebuiltObjects, string? rebuiltOutput)
    {
        var text = new StringBuilder();
        IReadOnlyList<string> theirs = Comments(target.File);
        ElfFile? rebuilt = rebuiltOutput is null ? null
            : target.Rebuilt is { } adopted && adopted.Path == rebuiltOutput ? adopted.File
            : File.Exists(rebuiltOutput) ? ElfFile.Load(rebuiltOutput) : null;
        IReadOnlyList<string> ours = rebuilt is not null ? Comments(rebuilt) : rebuiltObjects.SelectMany(o => Comments(o.File)).Distinct().ToList();
        if (theirs.Count > 0 && !theirs.SequenceEqual(ours))
        {
            text.Append($"{target.Name} was compiled by {string.Join(", ", theirs)}, the rebuild by {(ours.Count > 0 ? string.Join(", ", ours) : "an unknown compiler")}");
        }
        else if (theirs.Count > 0)
        {
            text.Append($"both were compiled by {string.Join(", ", theirs)}");
        }

        ElfFile? debug = target.File.FindSection(".debug_info") is { Type: not ElfSectionType.NoBits } ? target.File : target.DebugElf;
        HashSet<string> theirOptions = debug is null ? [] : Options(debug);
        HashSet<string> ourOptions = rebuiltObjects.SelectMany(o => Options(o.File)).ToHashSet(StringComparer.Ordinal);
        if (theirOptions.Count > 0 && ourOptions.Count > 0)
        {
            string only = string.Join(" ", theirOptions.Except(ourOptions).Order(StringComparer.Ordinal));
            string added = string.Join(" ", ourOptions.Except(theirOptions).Order(StringComparer.Ordinal));
            if (only.Length + added.Length > 0)
            {
                text.Append(text.Length > 0 ? "; " : "").Append($"options (DW_AT_producer) only the target was built with: {(only.Length > 0 ? only : "none")}; only the rebuild: {(added.Length > 0 ? added : "none")}");
            }
        }
        else if (debug is null)
        {
            text.Append(text.Length > 0 ? "; " : "").Append($"the target's compiler options are unknown (no debug information; its debug file would be {DebugFiles.Where(target.File.BuildIdHex!)})");
        }

        return text.ToString();
    }

    /// <summary>The NUL-separated strings of <c>.comment</c> (e.g. "GCC: (Debian 12.2.0-14) 12.2.0").</summary>
    private static IReadOnlyList<string> Comments(ElfFile file) =>
        file.FindSection(".comment") is { Type: not ElfSectionType.NoBits } comment
            ? Encoding.UTF8.GetString(comment.Data.Span).Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList()
            : [];

    private static HashSet<string> Options(ElfFile file)
    {
        var options = new HashSet<string>(StringComparer.Ordinal);
        if (!DwarfInfo.TryRead(file, out DwarfInfo? info, out _))
        {
            return options;
        }

        foreach (DwarfUnit unit in info.Units)
        {
            if (unit.Root is { Tag: DwarfTag.CompileUnit } root && root.Find(DwarfAttributeName.Producer)?.Text is { } producer)
            {
                foreach (string word in producer.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.StartsWith('-')))
                {
                    if (!WrapperOptions.Contains(word) && !word.StartsWith("-ffile-prefix-map=", StringComparison.Ordinal))
                    {
                        options.Add(word);
                    }
                }
            }
        }

        return options;
    }
}
