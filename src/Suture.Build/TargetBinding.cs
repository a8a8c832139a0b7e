using Suture.Build.Assembly;
using Suture.Build.Diff;
using Suture.Build.Workspace;

namespace Suture.Build;

/// <summary>
/// Decides which deployed binary each changed object belongs to: the link steps the wrappers
/// logged say which executables and shared libraries contain the object (directly or through a
/// static archive), and each of those outputs is matched to a <c>--target</c>
/// (<see cref="OutputMatch"/>: file name, then DT_SONAME, then <c>libNAME.so</c> version).
/// </summary>
internal static class TargetBinding
{
    public static IReadOnlyList<BoundTarget> Bind(IReadOnlyList<TargetBinary> targets, IReadOnlyList<ObjectChanges> changes, CompilerLog log, Action<string> progress)
    {
        var bound = targets.ToDictionary(t => t, t => new BoundTarget(t));
        var unmatched = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var unlinked = new List<ObjectChanges>();
        var matches = new Dictionary<string, TargetBinary?>(StringComparer.Ordinal);
        foreach (ObjectChanges change in changes)
        {
            IReadOnlyList<string> outputs = log.OutputsLinking(change.RelativePath);
            if (outputs.Count == 0)
            {
                unlinked.Add(change);
            }

            foreach (string output in outputs)
            {
                if (!matches.TryGetValue(output, out TargetBinary? target))
                {
                    matches[output] = target = OutputMatch.Find(targets, output, Path.Combine(log.Tree, output), progress);
                }

                if (target is null)
                {
                    if (!unmatched.TryGetValue(output, out SortedSet<string>? set))
                    {
                        unmatched[output] = set = new(StringComparer.Ordinal);
                    }

                    set.Add(change.RelativePath);
                    continue;
                }

                bound[target].Add(change, output);
            }
        }

        if (targets.Count == 1 && unlinked.Count == changes.Count)
        {
            // No link step is known (another linker, another kind of archive): the one target takes it all.
            foreach (ObjectChanges change in changes)
            {
                bound[targets[0]].Add(change, null);
            }

            return [bound[targets[0]]];
        }

        unlinked = WithoutUnusedCopies(WithoutStaticArchiveOnly(unlinked, log, progress), changes, log, progress);
        if (unlinked.Count > 0)
        {
            throw new SutureException(
                $"the fix changes {string.Join(", ", unlinked.Select(c => c.RelativePath))}, but no link step the compiler wrappers saw uses {(unlinked.Count == 1 ? "it" : "them")}, directly or through a static archive inside the tree (linked by another tool, or the archive was moved), so suture cannot tell which --target {(unlinked.Count == 1 ? "it belongs" : "they belong")} to; build one patch at a time with a single --target",
                ExitCode.Usage);
        }

        foreach ((string output, SortedSet<string> objects) in unmatched)
        {
            progress($"warning: the fix also changes {output} (through {string.Join(", ", objects)}), which no --target names; no patch is built for it (add --target path/to/{Path.GetFileName(output)})");
        }

        List<BoundTarget> result = bound.Values.Where(b => b.Changes.Count > 0).ToList();
        if (result.Count == 0)
        {
            throw new SutureException(
                $"the fix changes only {string.Join(", ", unmatched.Keys)}, and no --target is named like {(unmatched.Count == 1 ? "it" : "them")}, has {(unmatched.Count == 1 ? "its" : "their")} DT_SONAME or is another version of {(unmatched.Count == 1 ? "it" : "them")} (targets: {string.Join(", ", targets.Select(t => t.Name))})",
                ExitCode.Usage);
        }

        return result;
    }

    /// <summary>
    /// Drops the changed objects that no link step uses but whose source is also compiled into
    /// another object a link step does use: libtool compiles each source of a <c>.lo</c> twice,
    /// PIC into <c>.libs/</c> and non-PIC beside it, and when the static archive is made of the
    /// PIC objects (a convenience library, as expat's) the non-PIC copy reaches nothing. The
    /// deployed binaries run the linked compile, which is patched; reports each.
    /// </summary>
    private static List<ObjectChanges> WithoutUnusedCopies(List<ObjectChanges> unlinked, IReadOnlyList<ObjectChanges> changes, CompilerLog log, Action<string> progress)
    {
        if (unlinked.Count == 0)
        {
            return unlinked;
        }

        ILookup<string, string> linkedBySource = changes
            .Where(c => log.OutputsLinking(c.RelativePath).Count > 0 && log.StepWriting(c.RelativePath) is not null)
            .ToLookup(c => log.StepWriting(c.RelativePath)!.Source, c => c.RelativePath, StringComparer.Ordinal);
        var kept = new List<ObjectChanges>();
        foreach (ObjectChanges change in unlinked)
        {
            string? source = log.StepWriting(change.RelativePath)?.Source;
            List<string> linked = source is null ? [] : linkedBySource[source].ToList();
            if (linked.Count == 0)
            {
                kept.Add(change);
                continue;
            }

            progress($"note: {change.RelativePath} is another compile of {Path.GetRelativePath(log.Tree, source!)}, which the build links as {string.Join(", ", linked)}; no link step or archive the wrappers saw uses {change.RelativePath} (libtool's non-PIC copy), so it is not patched");
        }

        return kept;
    }

    /// <summary>
    /// Drops the changed objects that no link step uses but that a static archive of the tree
    /// holds (libtool's non-PIC copies for <c>libfoo.a</c>, say): the deployed system does not run
    /// them, so they are not a reason to stop. Reports each.
    /// </summary>
    private static List<ObjectChanges> WithoutStaticArchiveOnly(List<ObjectChanges> unlinked, CompilerLog log, Action<string> progress)
    {
        if (unlinked.Count == 0)
        {
            return unlinked;
        }

        var archives = new ArchiveIndex(log.ArchiveTree);
        List<(string Archive, HashSet<string> Members)> all = Directory.EnumerateFiles(log.ArchiveTree, "*.a", SearchOption.AllDirectories)
            .Select(a => (Path.GetRelativePath(log.ArchiveTree, a), archives.Members(a).Select(m => m.RelativePath).ToHashSet(StringComparer.Ordinal)))
            .ToList();
        var kept = new List<ObjectChanges>();
        foreach (ObjectChanges change in unlinked)
        {
            List<string> holding = all.Where(a => a.Members.Contains(change.RelativePath)).Select(a => a.Archive).ToList();
            if (holding.Count == 0)
            {
                kept.Add(change);
                continue;
            }

            progress($"note: {change.RelativePath} only goes into the static archive {string.Join(", ", holding)}, which no link step the wrappers saw uses; the deployed binaries do not run it, so it is not patched");
        }

        return kept;
    }
}
