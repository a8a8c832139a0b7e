using System.Security.Cryptography;
using Suture.Build.Assembly;
using Suture.Build.Diff;
using Suture.Build.Workspace;
using Suture.Patching.Format;

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
        request.Progress("building the original tree");
        CompilerLog originalLog = TreeBuild.Run(tree.Original, request.SourceDirectory, request.BuildCommand, wrappers, "original", request.Progress);
        request.Progress("building the patched tree");
        CompilerLog patchedLog = TreeBuild.Run(tree.Patched, request.SourceDirectory, request.BuildCommand, wrappers, "patched", request.Progress);

        request.Progress("comparing objects");
        List<ObjectChanges> changes = Compare(tree);
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
            built.Add(new BuiltPatch(binding.Target.Path, Assemble(binding, request, originalLog, overrides, several: bound.Count > 1)));
        }

        return built;
    }

    private static PatchFile Assemble(BoundTarget binding, PatchBuildRequest request, CompilerLog log, IReadOnlyList<string> overrides, bool several)
    {
        TargetBinary target = binding.Target;
        (PatchImage image, IReadOnlyList<PatchFunction> functions, IReadOnlyList<PatchRelocation> relocations, PatchUnwindTable? unwind) = new PatchAssembler(target, binding.Changes).Assemble();
        IReadOnlyList<string> compiles = log.CommandLines;
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
                BuildCommand = compiles.Count > 0 ? $"{request.BuildCommand} ({string.Join("; ", compiles)})" : request.BuildCommand,
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
        Dictionary<string, ObjectIndex> known = binding.Changes.ToDictionary(c => c.RelativePath, c => c.Original, StringComparer.Ordinal);
        IEnumerable<ObjectIndex> originals = linked.Count == 0
            ? known.Values
            : linked.Select(o => known.GetValueOrDefault(o) ?? (File.Exists(Path.Combine(tree.Original, o)) ? ObjectIndex.Load(Path.Combine(tree.Original, o)) : null)).OfType<ObjectIndex>();
        request.Progress($"checking the rebuilt original against {binding.Target.Path}");
        IReadOnlyList<string> differences = BuildEnvironmentCheck.Differences(binding.Target, originals);
        if (differences.Count == 0)
        {
            return [];
        }

        string summary = BuildEnvironmentCheck.Summary(differences);
        if (request.IgnoreBuildMismatch)
        {
            request.Progress($"warning: the rebuilt original differs from {binding.Target.Name} in {differences.Count} function(s); building anyway (--ignore-build-mismatch):\n  {summary}");
            return [$"{IgnoreBuildMismatchOverride}: {differences.Count} function(s) differ from {binding.Target.Name}: {string.Join(", ", differences.Take(10).Select(d => d.Split(':')[1].Trim()))}"];
        }

        throw new SutureException(
            $"the rebuilt original does not match the deployed {binding.Target.Path}; {differences.Count} function(s) differ:\n  {summary}\n"
            + $"the build environment differs from the one that built the target: build with the same compiler ({CompilerVersion()}) and flags as the deployed binary, or pass --ignore-build-mismatch to build anyway (recorded in the patch)",
            ExitCode.TargetMismatch);
    }

    private static List<ObjectChanges> Compare(WorkTree tree)
    {
        Dictionary<string, string> original = TreeBuild.Objects(tree.Original);
        Dictionary<string, string> patched = TreeBuild.Objects(tree.Patched);
        var changes = new List<ObjectChanges>();
        foreach ((string relative, string path) in patched.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!original.TryGetValue(relative, out string? before))
            {
                continue; // an object only the fix adds is linked in through its callers' changes
            }

            ObjectChanges change = ObjectDiff.Compare(relative, ObjectIndex.Load(before), ObjectIndex.Load(path));
            if (!change.IsEmpty)
            {
                changes.Add(change);
            }
        }

        return changes;
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
