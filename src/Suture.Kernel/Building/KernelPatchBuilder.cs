using System.Text.RegularExpressions;
using Suture.Build.Diff;
using Suture.Build.Workspace;
using Suture.Elf;
using Suture.Kernel.ModuleElf;

namespace Suture.Kernel.Building;

/// <summary>
/// <c>suture kernel build</c>: builds the objects the fix touches, original and patched, diffs
/// them with the userspace differ (<see cref="ObjectDiff"/>), and makes a livepatch module of the
/// changed functions: their code (<see cref="LivepatchCode"/>), the klp_patch structures
/// (<see cref="ScaffoldSource"/>) built by kbuild against the target's headers, and livepatch
/// relocations for what the kernel does not export (<see cref="KlpRelocations"/>).
/// </summary>
internal static partial class KernelPatchBuilder
{
    public sealed record Result(string Module, string Name, IReadOnlyList<KlpFunction> Functions, IReadOnlyList<string> Added, int LivepatchRelocations);

    public static Result Build(KernelBuildRequest request, Action<string> log)
    {
        string name = ModuleName(request.Output);
        if (request.Level < 1)
        {
            throw new SutureException($"--level {request.Level}: a patch level is 1 or more (above 1: cumulative, it replaces the loaded livepatches)", ExitCode.Usage);
        }

        if (!File.Exists(request.Patch))
        {
            throw new SutureException($"--patch {request.Patch}: no such file", ExitCode.Usage);
        }

        string symvers = Path.Combine(request.Headers, "Module.symvers");
        if (!File.Exists(symvers) || !File.Exists(Path.Combine(request.Headers, "Makefile")))
        {
            throw new SutureException($"--headers {request.Headers}: not the headers of a kernel build (no Makefile and Module.symvers; install or unpack linux-headers-$(uname -r))", ExitCode.Usage);
        }

        KernelTree tree = KernelTree.Open(request.Source, request.Config, log);
        IReadOnlyList<string> files = ChangedFiles(request.Patch);
        string scratch = Directory.CreateTempSubdirectory("suture-kernel-").FullName;
        try
        {
            string patched = Path.Combine(scratch, "patched");
            foreach (string file in files)
            {
                string destination = Path.Combine(patched, file);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(Path.Combine(tree.Root, file), destination);
            }

            (int exit, string output) = ShellCommand.Run("patch", ["-p1", "-s", "--no-backup-if-mismatch", "-d", patched, "-i", Path.GetFullPath(request.Patch)], scratch);
            if (exit != 0)
            {
                throw new SutureException($"--patch {request.Patch}: does not apply to {tree.Root} with patch -p1: {KernelTree.LastLines(output)}", ExitCode.BuildFailed);
            }

            var changes = new List<ObjectChanges>();
            var refusals = new List<string>();
            foreach (string file in files)
            {
                string before = Path.Combine(scratch, "original", Path.ChangeExtension(file, ".o"));
                string after = Path.Combine(scratch, "patched-objects", Path.ChangeExtension(file, ".o"));
                Directory.CreateDirectory(Path.GetDirectoryName(before)!);
                Directory.CreateDirectory(Path.GetDirectoryName(after)!);
                log($"building {Path.ChangeExtension(file, ".o")} (original and patched)");
                tree.BuildObject(file, Path.Combine(tree.Root, file), before);
                tree.BuildObject(file, Path.Combine(patched, file), after);
                ObjectIndex patchedIndex = ObjectIndex.Load(after);
                ObjectChanges change = ObjectDiff.Compare(Path.ChangeExtension(file, ".o"), ObjectIndex.Load(before), patchedIndex);
                refusals.AddRange(change.Refusals.Select(r => KernelRefusals.Say(r, patchedIndex.DisplayName, file)));
                if (!change.IsEmpty)
                {
                    changes.Add(change);
                }
            }

            if (refusals.Count > 0)
            {
                throw new SutureException(string.Join('\n', refusals), ExitCode.Unpatchable);
            }

            if (changes.Count == 0 || changes.All(c => c.Changed.Count == 0))
            {
                throw new SutureException($"--patch {request.Patch}: changes no function of the running kernel's code (only comments, or code the configuration leaves out)", ExitCode.Unpatchable);
            }

            KernelSymbols symbols = KernelSymbols.Load(symvers, request.Vmlinux, request.SymbolMap);
            LivepatchCode code = LivepatchCode.Generate(changes, symbols);
            if (code.Refusals.Count > 0)
            {
                throw new SutureException(string.Join('\n', code.Refusals.Distinct()), ExitCode.Unpatchable);
            }

            string? buildId = request.Vmlinux is null ? null : ElfFile.Load(request.Vmlinux).BuildIdHex;
            var metadata = new KernelPatchMetadata(name, request.Description ?? $"live patch {name} built by suture from {Path.GetFileName(request.Patch)}", request.Cves, buildId, request.Level);
            string module = Path.Combine(scratch, "module");
            Directory.CreateDirectory(module);
            File.WriteAllBytes(Path.Combine(module, "suture_code.o_shipped"), code.Write());
            // modpost reads each object's kbuild command file (symbol CRCs it exports: none here).
            File.WriteAllText(Path.Combine(module, ".suture_code.o.cmd"), "# suture_code.o: the patch's code, written by suture kernel build; it exports nothing\n");
            File.WriteAllText(Path.Combine(module, "suture_scaffold.c"), ScaffoldSource.Generate(code.Functions, metadata));
            File.WriteAllText(Path.Combine(module, "Kbuild"), $"obj-m := {name}.o\n{name}-y := suture_scaffold.o suture_code.o\n");
            log($"building module {name}.ko against {request.Headers}");
            (exit, output) = ShellCommand.Run("make", ["-C", Path.GetFullPath(request.Headers), $"M={module}", "KBUILD_MODPOST_WARN=1", "modules"], module);
            string built = Path.Combine(module, name + ".ko");
            if (exit != 0 || !File.Exists(built))
            {
                throw new SutureException($"building the module against {request.Headers} failed (exit {exit}): {KernelTree.LastLines(output)}", ExitCode.BuildFailed);
            }

            foreach (Match undefined in UndefinedSymbol().Matches(output))
            {
                if (!undefined.Groups[1].Value.StartsWith(KlpRelocations.SymbolPrefix, StringComparison.Ordinal))
                {
                    throw new SutureException($"the module refers to {undefined.Groups[1].Value}, which neither the kernel exports nor the patch defines", ExitCode.BuildFailed);
                }
            }

            (byte[] final, int converted) = KlpRelocations.Convert(File.ReadAllBytes(built), built);
            string outputPath = Path.GetFullPath(request.Output);
            Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
            string temporary = outputPath + ".tmp";
            File.WriteAllBytes(temporary, final);
            File.Move(temporary, outputPath, overwrite: true);
            return new Result(outputPath, name, code.Functions, changes.SelectMany(c => c.Added.Select(f => f.Name)).ToList(), converted);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("SUTURE_KEEP_SCRATCH") is null)
            {
                Directory.Delete(scratch, recursive: true);
            }
            else
            {
                log($"kept {scratch}");
            }
        }
    }

    /// <summary>The module's name: the output's file name less .ko, as the kernel spells module names.</summary>
    public static string ModuleName(string output)
    {
        string name = Path.GetFileName(output);
        if (!name.EndsWith(".ko", StringComparison.Ordinal) || name.Length <= 3)
        {
            throw new SutureException($"-o {output}: a kernel module's file name ends in .ko (e.g. fix.ko)", ExitCode.Usage);
        }

        name = name[..^3].Replace('-', '_');
        if (name.Length > 55 || !ModuleNamePattern().IsMatch(name))
        {
            throw new SutureException($"-o {output}: the module name {name} must be letters, digits and _ (at most 55), starting with a letter", ExitCode.Usage);
        }

        return name;
    }

    /// <summary>The source files the diff changes (-p1 paths); refuses what the slice cannot build yet.</summary>
    private static List<string> ChangedFiles(string patch)
    {
        var files = new List<string>();
        foreach (string line in File.ReadLines(patch))
        {
            if (!line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                continue;
            }

            string path = line[4..].Split('\t')[0].Trim();
            if (path == "/dev/null")
            {
                throw new SutureException($"--patch {patch}: deletes a file; a live patch changes functions of existing objects", ExitCode.Unpatchable);
            }

            int slash = path.IndexOf('/', StringComparison.Ordinal);
            path = slash >= 0 ? path[(slash + 1)..] : path;
            if (path.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(path))
            {
                throw new SutureException($"--patch {patch}: path {path} leaves the source tree", ExitCode.Usage);
            }

            if (!path.EndsWith(".c", StringComparison.Ordinal))
            {
                throw new SutureException($"--patch {patch}: changes {path}; only .c files are built so far (a header change needs every object that includes it, which is not done yet)", ExitCode.Unpatchable);
            }

            if (!files.Contains(path))
            {
                files.Add(path);
            }
        }

        if (files.Count == 0)
        {
            throw new SutureException($"--patch {patch}: names no file (a unified diff with +++ lines, -p1)", ExitCode.Usage);
        }

        return files;
    }

    [GeneratedRegex("^(?:WARNING|ERROR): modpost: \"([^\"]+)\" \\[[^\\]]*\\] undefined!", RegexOptions.Multiline)]
    private static partial Regex UndefinedSymbol();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex ModuleNamePattern();
}
