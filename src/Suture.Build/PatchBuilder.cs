using System.Security.Cryptography;
using Suture.Build.Assembly;
using Suture.Build.Diff;
using Suture.Build.Workspace;
using Suture.Format;

namespace Suture.Build;

/// <summary>
/// Builds live patches from a source tree, a fix and a build command: both trees are built with
/// the same command through compiler wrappers, their objects compared function by function, and
/// the changed code packaged for each deployed target binary that links a changed object.
/// </summary>
public static class PatchBuilder
{
    public const string IgnoreBuildMismatchOverride = "ignore-build-mismatch";

    public static IReadOnlyList<BuiltPatch> Build(PatchBuildRequest request)
    {
        if (request.TargetPaths.Count == 0)
        {
            throw new SutureException("give at least one --target: the deployed binary the patch is for", ExitCode.Usage);
        }

        List<TargetBinary> targets = request.TargetPaths.Select(p => new TargetBinary(p)).ToList();
        string? duplicate = targets.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new SutureException($"two --target files are named {duplicate}; targets are matched to the build's outputs by file name, so names must differ", ExitCode.Usage);
        }

        using WorkTree tree = WorkTree.Create(request.SourceDirectory, request.DiffPath, request.KeepWorkTrees);
        if (request.KeepWorkTrees)
        {
            request.Progress($"work trees kept in {tree.Root}");
        }

        var wrappers = CompilerWrappers.Create(tree.Root);
        (CompilerLog originalLog, CompilerLog patchedLog) = BuildTrees(tree, wrappers, request, targets);

        request.Progress("comparing objects");
        List<ObjectChanges> changes = Compare(tree, request, originalLog, patchedLog, wrappers);
        if (changes.Count == 0)
        {
            throw new SutureException($"the fix {request.DiffPath} changes no compiled function; nothing to patch", ExitCode.BuildFailed);
        }

        var refusals = changes.SelectMany(c => c.Refusals).ToList();
        if (refusals.Count > 0)
        {
            throw new SutureException("cannot build a live patch:\n  " + string.Join("\n  ", refusals), ExitCode.Unpatchable);
        }

        IReadOnlyList<BoundTarget> bound = TargetBinding.Bind(targets, changes, patchedLog, request.Progress);
        var built = new List<BuiltPatch>();
        foreach (BoundTarget binding in bound)
        {
            IReadOnlyList<string> overrides = CheckBuildEnvironment(binding, tree, originalLog, request);
            request.Progress($"assembling the patch for {binding.Target.Name} ({string.Join(", ", binding.Changes.Select(c => c.RelativePath))})");
            built.Add(new BuiltPatch(binding.Target.Path, Assemble(binding, request, patchedLog, overrides, several: bound.Count > 1)));
        }

        return built;
    }

    /// <summary>
    /// Builds the original tree, then the patched one from it, compiling again only what reads
    /// the files the fix changes (<see cref="IncrementalBuild"/>); a fix that adds or removes
    /// files or changes more than C and C++ code builds both trees in full, at the same time, as
    /// does a patched tree the incremental build cannot make; unless the only other files it
    /// changes are ones the original's build never reads (<see cref="UnreadFiles"/>).
    /// </summary>
    private static (CompilerLog Original, CompilerLog Patched) BuildTrees(WorkTree tree, CompilerWrappers wrappers, PatchBuildRequest request, IReadOnlyList<TargetBinary> targets)
    {
        IReadOnlyList<string> watched = [];
        if (IncrementalBuild.Obstacle(tree.Fixed) is { } obstacle)
        {
            watched = UnreadFiles.Watch(tree);
            if (watched.Count == 0)
            {
                request.Progress($"{obstacle}: both trees are built in full");
                return BuildBoth(tree, wrappers, request);
            }

            request.Progress($"{obstacle}: the original tree is built first, and the patched tree is built incrementally if that build never reads {string.Join(", ", watched)}");
        }

        request.Progress("building the original tree");
        var started = System.Diagnostics.Stopwatch.StartNew();
        CompilerLog original = TreeBuild.Run(tree.Original, request.SourceDirectory, request.BuildCommand, wrappers, "original", request.Progress);
        request.Progress($"built the original tree in {started.Elapsed.TotalSeconds:0.0} s");
        CompilerLog? patched = null;
        try
        {
            if (UnreadFiles.FirstRead(tree.Original, watched) is { } read)
            {
                request.Progress($"the build of the original tree read {read}, which the fix changes: building the patched tree in full");
            }
            else
            {
                if (watched.Count > 0)
                {
                    request.Progress($"the build of the original tree never read {string.Join(", ", watched)}: only the code the fix changes can change what it builds");
                }

                patched = IncrementalBuild.Run(tree, request.SourceDirectory, original, targets, wrappers, request.Progress);
            }
        }
        catch (Exception e) when (e is SutureException or IOException || e is AggregateException a && a.InnerExceptions.All(x => x is SutureException or IOException))
        {
            string why = e is AggregateException all ? all.InnerExceptions[0].Message : e.Message;
            request.Progress($"{why}\nbuilding the patched tree in full instead");
            patched = null;
        }

        if (patched is null)
        {
            tree.ResetPatched();
            patched = TreeBuild.Run(tree.Patched, request.SourceDirectory, request.BuildCommand, wrappers, "patched", request.Progress);
        }

        return (original, patched);
    }

    /// <summary>
    /// Builds the original and the patched tree at the same time (they share nothing but the
    /// wrappers), so the two builds take about as long as one where the package's own build
    /// leaves a core free; a failure of either is reported after both have ended.
    /// </summary>
    private static (CompilerLog Original, CompilerLog Patched) BuildBoth(WorkTree tree, CompilerWrappers wrappers, PatchBuildRequest request)
    {
        request.Progress("building the original and the patched tree");
        var started = System.Diagnostics.Stopwatch.StartNew();
        Task<CompilerLog> original = Task.Run(() => TreeBuild.Run(tree.Original, request.SourceDirectory, request.BuildCommand, wrappers, "original", request.Progress));
        Task<CompilerLog> patched = Task.Run(() => TreeBuild.Run(tree.Patched, request.SourceDirectory, request.BuildCommand, wrappers, "patched", request.Progress));
        try
        {
            Task.WaitAll(original, patched);
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is SutureException) is SutureException first)
        {
            throw first;
        }

        request.Progress($"built both trees in {started.Elapsed.TotalSeconds:0.0} s");
        return (original.Result, patched.Result);
    }

    private static PatchFile Assemble(BoundTarget binding, PatchBuildRequest request, CompilerLog log, IReadOnlyList<string> overrides, bool several)
    {
        TargetBinary target = binding.Target;
        (PatchImage image, IReadOnlyList<PatchFunction> functions, IReadOnlyList<PatchRelocation> relocations, PatchUnwindTable? unwind) = new PatchAssembler(target, binding.Changes).Assemble();
        return new PatchFile
        {
            Target = new PatchTarget(target.BuildId, target.Name),
            Metadata = new PatchMetadata
            {
                Id = request.Id is null ? DefaultId(target, request.Level, image, functions, relocations) : several ? $"{request.Id}-{target.Name}" : request.Id,
                Description = request.Description,
                Cves = request.Cves,
                Level = request.Level,
                CreatedUtc = DateTimeOffset.UtcNow,
                Compiler = CompilerVersion(),
                BuildCommand = BuildRecord.Format(request.BuildCommand, binding.Changes.Select(c => c.RelativePath), log),
                Overrides = overrides,
            },
            Functions = functions,
            Image = image,
            Relocations = relocations,
            Unwind = unwind,
        };
    }

    /// <summary>Compares the rebuilt original objects of the target with the deployed code; stops on a difference unless overridden.</summary>
    private static IReadOnlyList<string> CheckBuildEnvironment(BoundTarget binding, WorkTree tree, CompilerLog originalLog, PatchBuildRequest request)
    {
        IReadOnlyList<string> linked = binding.Output is null ? [] : originalLog.ObjectsOf(binding.Output);
        // The tree's own objects, built with the build's flags only (not the recompiles with function sections the diff uses).
        IEnumerable<string> objects = linked.Count == 0 ? binding.Changes.Select(c => c.RelativePath) : linked;
        IEnumerable<ObjectIndex> originals = objects.Select(o => Path.Combine(tree.Original, o)).Where(File.Exists).Select(ObjectIndex.Load);
        request.Progress($"checking the rebuilt original against {binding.Target.Path}");
        TargetBinary target = binding.Target;
        if (target.NeedsSymbols)
        {
            LocateStrippedSymbols(binding, tree, request);
        }

        List<ObjectIndex> checkedObjects = originals.ToList();
        BuildEnvironmentReport report = BuildEnvironmentCheck.Check(target, checkedObjects);
        IReadOnlyList<BuildDifference> differences = report.Differences;
        if (report.Compared == 0)
        {
            string nothing = $"the build-environment check found none of the {report.Total} function(s) of the rebuilt {string.Join(", ", checkedObjects.Select(o => Path.GetRelativePath(tree.Original, o.Path)).Take(5))}{(checkedObjects.Count > 5 ? ", ..." : "")} in {target.Path} (symbols from {target.SymbolSource}), so it compared nothing";
            if (request.IgnoreBuildMismatch)
            {
                request.Progress($"warning: {nothing}; building anyway (--ignore-build-mismatch)");
                return [$"{IgnoreBuildMismatchOverride}: compared no function with {target.Name}"];
            }

            throw new SutureException(
                $"{nothing}: the patch cannot be checked against the code the target runs; give the binary the build produces (or its installed copy with its debug file), or pass --ignore-build-mismatch to build anyway (recorded in the patch)",
                ExitCode.TargetMismatch);
        }

        request.Progress($"compared {report.Compared} function(s) with {target.Name} (symbols from {target.SymbolSource})");
        if (differences.Count == 0)
        {
            return [];
        }

        string summary = report.Summary();
        if (request.IgnoreBuildMismatch)
        {
            request.Progress($"warning: the rebuilt original differs from {binding.Target.Name} in {differences.Count} function(s); building anyway (--ignore-build-mismatch):\n  {summary}");
            return [$"{IgnoreBuildMismatchOverride}: {differences.Count} function(s) differ from {binding.Target.Name}: {report.FirstSymbols()}"];
        }

        string why = BuildProvenance.Explain(target, checkedObjects, binding.Output is null ? null : Path.Combine(tree.Original, binding.Output));
        throw new SutureException(
            $"the rebuilt original does not match the deployed {binding.Target.Path}; {differences.Count} function(s) differ:\n  {summary}\n"
            + (why.Length > 0 ? why + "\n" : "")
            + $"the build environment differs from the one that built the target: build with the same compiler ({CompilerVersion()}) and flags as the deployed binary, or pass --ignore-build-mismatch to build anyway (recorded in the patch)",
            ExitCode.TargetMismatch);
    }

    /// <summary>A stripped target without a debug file takes its local symbols from the rebuilt original's link output.</summary>
    private static void LocateStrippedSymbols(BoundTarget binding, WorkTree tree, PatchBuildRequest request)
    {
        TargetBinary target = binding.Target;
        string? rebuilt = binding.Output is null ? null : Path.Combine(tree.Original, binding.Output);
        if (rebuilt is null || !File.Exists(rebuilt))
        {
            throw new SutureException(
                $"{target.Path} is stripped (no .symtab), no debug file with Build ID {Convert.ToHexStringLower(target.BuildId)} is installed ({DebugFiles.Where(Convert.ToHexStringLower(target.BuildId))}), and no link step of the build produced it, so suture cannot locate its static functions; install its debug file (Debian: the -dbgsym package) or give the unstripped binary",
                ExitCode.Unpatchable);
        }

        int adopted = target.AdoptFromRebuild(rebuilt);
        request.Progress($"{target.Name} is stripped: located {adopted} function(s) through the rebuilt {binding.Output} (equal code at equal addresses){(target.Unplaced.Count > 0 ? $", {target.Unplaced.Count} static function(s) not found at their address" : "")}");
    }

    /// <summary>
    /// The objects whose bytes differ between the trees are compiled again in both, with function
    /// and data sections (<see cref="SectionBuild"/>), and those builds are compared function by
    /// function; an object with the same bytes in both trees is unchanged.
    /// </summary>
    private static List<ObjectChanges> Compare(WorkTree tree, PatchBuildRequest request, CompilerLog originalLog, CompilerLog patchedLog, CompilerWrappers wrappers)
    {
        Dictionary<string, string> original = TreeBuild.Objects(tree.Original);
        Dictionary<string, string> patched = TreeBuild.Objects(tree.Patched);
        List<string> differing = patched.Keys
            .Where(relative => original.TryGetValue(relative, out string? before) && !SameFile(before, patched[relative]))
            .Where(relative => !Path.GetFileName(relative).Contains(".ltrans", StringComparison.Ordinal)) // the link-time optimiser's temporaries; their -flto inputs are refused
            .Order(StringComparer.Ordinal)
            .ToList(); // an object only the fix adds is linked in through its callers' changes
        var originalSections = new SectionBuild(tree.Original, request.SourceDirectory, originalLog, wrappers, Path.Combine(tree.Root, "sections", "original"));
        var patchedSections = new SectionBuild(tree.Patched, request.SourceDirectory, patchedLog, wrappers, Path.Combine(tree.Root, "sections", "patched"));
        if (differing.Count > 0)
        {
            request.Progress($"compiling {differing.Count} changed object(s) again with function sections");
        }

        LineMap lines = LineMap.Read(request.DiffPath);
        var results = new ObjectChanges?[differing.Count];
        try
        {
            Parallel.For(0, differing.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                string relative = differing[i];
                // An -flto object is refused as it is; recompiling it with sections would not give the deployed code either.
                Suture.Elf.ElfFile before = Suture.Elf.ElfFile.Load(original[relative]), after = Suture.Elf.ElfFile.Load(patched[relative]);
                results[i] = ObjectDiff.IsLinkTimeOptimised(before) || ObjectDiff.IsLinkTimeOptimised(after)
                    ? ObjectDiff.Compare(relative, ObjectIndex.Of(original[relative], before), ObjectIndex.Of(patched[relative], after), lines)
                    : ObjectDiff.Compare(relative, ObjectIndex.Load(originalSections.Compile(relative)), ObjectIndex.Load(patchedSections.Compile(relative)), lines);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is SutureException) is SutureException first)
        {
            throw first;
        }

        foreach (ObjectChanges change in results.OfType<ObjectChanges>().Where(c => c.LineNumbersOnly.Count > 0))
        {
            request.Progress($"note: leaving {change.LineNumbersOnly.Count} function(s) of {change.Patched.DisplayName} alone, their code differs only in the line numbers of assertions the fix moved: {string.Join(", ", change.LineNumbersOnly)}");
        }

        return results.OfType<ObjectChanges>().Where(c => !c.IsEmpty).ToList();
    }

    private static bool SameFile(string a, string b)
    {
        var infoA = new FileInfo(a);
        var infoB = new FileInfo(b);
        return infoA.Length == infoB.Length && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
    }

    /// <summary>
    /// The object's name and a hash of everything that makes two patches different: the Build ID
    /// they bind to, the level, the code, data and bss, where each function goes and every
    /// fix-up. (Code alone is not enough: two levels that differ only in a string, or a library
    /// and an executable given the same fix, would share one id.)
    /// </summary>
    private static string DefaultId(TargetBinary target, int level, PatchImage image, IReadOnlyList<PatchFunction> functions, IReadOnlyList<PatchRelocation> relocations)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var text = new System.Text.StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{Convert.ToHexStringLower(target.BuildId)}\n{level}\n{image.Code.Length}\n{image.Data.Length}\n{image.BssSize}\n");
        foreach (PatchFunction f in functions)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"f {f.Symbol} {f.OldAddress:x} {f.NewOffset:x}\n");
        }

        foreach (PatchRelocation r in relocations)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"r {r.Offset:x} {r.Kind} {r.Target} {r.Symbol}@{r.Version} {r.Value:x} {r.Addend}\n");
        }

        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
        hash.AppendData(image.Code);
        hash.AppendData(image.Data);
        return $"{target.Name}-{Convert.ToHexStringLower(hash.GetHashAndReset())[..12]}";
    }

    private static string CompilerVersion()
    {
        string? gcc = CompilerWrappers.FindOnPath("gcc");
        if (gcc is null)
        {
            return "";
        }

        (int exit, string output) = ShellCommand.Run(gcc, ["--version"], Environment.CurrentDirectory);
        return exit == 0 ? output.Split('\n')[0].Trim() : "";
    }
}
