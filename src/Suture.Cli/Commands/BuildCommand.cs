using Suture.Cli.Output;
using System.CommandLine;
using Suture.Build;
using Suture.Format;
using Suture.Format.Writing;

namespace Suture.Cli.Commands;

/// <summary><c>suture build</c>: a patch from a source tree, a fix and a build command.</summary>
internal static class BuildCommand
{
    public static Command Create(IConsole console)
    {
        var source = new Option<string>("--source") { Description = "Original source tree", Required = true };
        var patch = new Option<string>("--patch") { Description = "The fix, a unified diff against the source tree", Required = true };
        var build = new Option<string>("--build") { Description = "Shell command that builds the tree, e.g. 'make' or 'gcc -o foo foo.c'", Required = true };
        var target = new Option<string[]>("--target") { Description = "A deployed binary (executable or shared library) to patch; repeatable. Each changed output of the build is matched to the target with its file name, and its Build ID binds the patch", Required = true, AllowMultipleArgumentsPerToken = false };
        var output = new Option<string>("--output", "-o") { Description = "Patch file to write; a directory when several targets change (one <target>.patch each)", Required = true };
        var id = new Option<string?>("--id") { Description = "Patch identifier (default: target name and code hash)" };
        var description = new Option<string>("--description") { Description = "What the patch fixes", DefaultValueFactory = _ => "" };
        var cve = new Option<string[]>("--cve") { Description = "CVE fixed by the patch (repeatable)", AllowMultipleArgumentsPerToken = false };
        var level = new Option<int>("--level") { Description = "Cumulative patch level for this object", DefaultValueFactory = _ => 1 };
        var keep = new Option<bool>("--keep") { Description = "Keep the work trees for inspection" };
        var ignoreMismatch = new Option<bool>("--ignore-build-mismatch") { Description = "Build even when the rebuilt original differs from the deployed target (recorded in the patch's overrides)" };

        var command = new Command("build", "Build a live patch from source: rebuild original and fixed trees, diff the compiled functions, package the changes")
        {
            source, patch, build, target, output, id, description, cve, level, keep, ignoreMismatch,
        };
        command.SetAction(result => CommandRunner.Run(console, result, _ =>
        {
            int patchLevel = result.GetValue(level);
            if (patchLevel < 1)
            {
                throw new SutureException($"--level must be 1 or more, not {patchLevel}", ExitCode.Usage);
            }

            IReadOnlyList<BuiltPatch> built = PatchBuilder.Build(new PatchBuildRequest
            {
                SourceDirectory = result.GetValue(source)!,
                DiffPath = result.GetValue(patch)!,
                BuildCommand = result.GetValue(build)!,
                TargetPaths = result.GetValue(target) ?? [],
                Id = result.GetValue(id),
                Description = result.GetValue(description) ?? "",
                Cves = result.GetValue(cve) ?? [],
                Level = patchLevel,
                KeepWorkTrees = result.GetValue(keep),
                IgnoreBuildMismatch = result.GetValue(ignoreMismatch),
                Progress = line => console.Error.WriteLine($"suture: {string.Join('\n', line.Split('\n').Select(Printable.Text))}"),
            });
            string path = result.GetValue(output)!;
            bool intoDirectory = built.Count > 1 || Directory.Exists(path);
            if (built.Count > 1 && File.Exists(path))
            {
                throw new SutureException($"the fix changes {built.Count} targets ({string.Join(", ", built.Select(b => Path.GetFileName(b.TargetPath)))}), so -o must be a directory, but {path} is a file", ExitCode.Usage);
            }

            if (intoDirectory)
            {
                Directory.CreateDirectory(path);
            }

            foreach (BuiltPatch one in built)
            {
                string file = intoDirectory ? Path.Combine(path, Path.GetFileName(one.TargetPath) + ".patch") : path;
                PatchFile patchFile = one.Patch;
                File.WriteAllBytes(file, PatchWriter.Write(patchFile));
                console.Out.WriteLine($"wrote {Printable.Text(file)}: patch {Printable.Text(patchFile.Metadata.Id)} for {Printable.Text(patchFile.Target.ObjectName)} (Build ID {patchFile.Target.BuildIdHex}), {patchFile.Functions.Count} function(s) redirected: {Printable.Join(patchFile.Functions.Select(f => f.Symbol))}");
            }

            return 0;
        }, multiLine: true));
        return command;
    }
}
