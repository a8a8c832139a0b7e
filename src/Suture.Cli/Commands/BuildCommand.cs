using System.CommandLine;
using Suture.Build;
using Suture.Patching.Format;

namespace Suture.Cli.Commands;

/// <summary><c>suture build</c>: a patch from a source tree, a fix and a build command.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "Original source tree", Required = true };
        var patch = new Option<string>("--patch") { Description = "The fix, a unified diff against the source tree", Required = true };
        var build = new Option<string>("--build") { Description = "Shell command that builds the tree, e.g. 'make' or 'gcc -o foo foo.c'", Required = true };
        var target = new Option<string>("--target") { Description = "The deployed binary the patch is for (its Build ID binds the patch)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Patch file to write", Required = true };
        var id = new Option<string?>("--id") { Description = "Patch identifier (default: target name and code hash)" };
        var description = new Option<string>("--description") { Description = "What the patch fixes", DefaultValueFactory = _ => "" };
        var cve = new Option<string[]>("--cve") { Description = "CVE fixed by the patch (repeatable)", AllowMultipleArgumentsPerToken = false };
        var level = new Option<int>("--level") { Description = "Cumulative patch level for this object", DefaultValueFactory = _ => 1 };
        var keep = new Option<bool>("--keep") { Description = "Keep the work trees for inspection" };

        var command = new Command("build", "Build a live patch from source: rebuild original and fixed trees, diff the compiled functions, package the changes")
        {
            source, patch, build, target, output, id, description, cve, level, keep,
        };
        command.SetAction(result => CommandRunner.Run(result, _ =>
        {
            int patchLevel = result.GetValue(level);
            if (patchLevel < 1)
            {
                throw new SutureException($"--level must be 1 or more, not {patchLevel}", ExitCode.Usage);
            }

            PatchFile built = PatchBuilder.Build(new PatchBuildRequest
            {
                SourceDirectory = result.GetValue(source)!,
                DiffPath = result.GetValue(patch)!,
                BuildCommand = result.GetValue(build)!,
                TargetPath = result.GetValue(target)!,
                Id = result.GetValue(id),
                Description = result.GetValue(description) ?? "",
                Cves = result.GetValue(cve) ?? [],
                Level = patchLevel,
                KeepWorkTrees = result.GetValue(keep),
                Progress = line => Console.Error.WriteLine($"suture: {line}"),
            });
            string path = result.GetValue(output)!;
            File.WriteAllBytes(path, PatchFileWriter.Write(built));
            Console.WriteLine($"wrote {path}: patch {built.Metadata.Id} for {built.Target.ObjectName} (Build ID {built.Target.BuildIdHex}), {built.Functions.Count} function(s) redirected: {string.Join(", ", built.Functions.Select(f => f.Symbol))}");
            return 0;
        }));
        return command;
    }
}
