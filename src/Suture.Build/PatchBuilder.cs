using System.Security.Cryptography;
using Suture.Build.Assembly;
using Suture.Build.Diff;
using Suture.Build.Workspace;
using Suture.Patching.Format;

namespace Suture.Build;

/// <summary>
/// Builds a live patch from a source tree, a fix and a build command: both trees are built with
/// the same command through compiler wrappers, their objects compared function by function, and
/// the changed code packaged for the deployed target binary.
/// </summary>
public static class PatchBuilder
{
    public static PatchFile Build(PatchBuildRequest request)
    {
        var target = new TargetBinary(request.TargetPath);
        using WorkTree tree = WorkTree.Create(request.SourceDirectory, request.DiffPath, request.KeepWorkTrees);
        if (request.KeepWorkTrees)
        {
            request.Progress($"work trees kept in {tree.Root}");
        }

        var wrappers = CompilerWrappers.Create(tree.Root);
        request.Progress("building the original tree");
        IReadOnlyList<string> compiles = TreeBuild.Run(tree.Original, request.BuildCommand, wrappers, "original");
        request.Progress("building the patched tree");
        TreeBuild.Run(tree.Patched, request.BuildCommand, wrappers, "patched");

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

        (PatchImage image, IReadOnlyList<PatchFunction> functions, IReadOnlyList<PatchRelocation> relocations) = new PatchAssembler(target, changes).Assemble();
        return new PatchFile
        {
            Target = new PatchTarget(target.BuildId, target.Name),
            Metadata = new PatchMetadata
            {
                Id = request.Id ?? DefaultId(target, image),
                Description = request.Description,
                Cves = request.Cves,
                Level = request.Level,
                CreatedUtc = DateTimeOffset.UtcNow,
                Compiler = CompilerVersion(),
                BuildCommand = compiles.Count > 0 ? $"{request.BuildCommand} ({string.Join("; ", compiles)})" : request.BuildCommand,
            },
            Functions = functions,
            Image = image,
            Relocations = relocations,
        };
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

    private static string DefaultId(TargetBinary target, PatchImage image) =>
        $"{target.Name}-{Convert.ToHexStringLower(SHA256.HashData(image.Code))[..12]}";

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
