using System.Text.RegularExpressions;
using Suture.Build.Workspace;

namespace Suture.Kernel.Building;

/// <summary>
/// A configured kernel source tree, and single objects built from it the way kbuild builds them:
/// kbuild makes the object once (<c>make path/file.o</c>), which records its exact command in
/// <c>path/.file.o.cmd</c> (compiler and objtool); that command is then run again with
/// <c>-ffunction-sections -fdata-sections</c> and the output in the scratch directory, once for the
/// tree's source and once for the patched copy.
/// </summary>
internal sealed partial class KernelTree
{
    private KernelTree(string root) => Root = root;

    public string Root { get; }

    /// <summary>Opens <paramref name="root"/>, configured with <paramref name="config"/> and prepared (kbuild's prepare), doing both when the tree is not configured yet.</summary>
    public static KernelTree Open(string root, string config, Action<string> log)
    {
        root = Path.GetFullPath(root);
        if (!File.Exists(Path.Combine(root, "Makefile")) || !File.Exists(Path.Combine(root, "Kbuild")))
        {
            throw new SutureException($"--source {root}: not a kernel source tree (no Makefile and Kbuild at its top)", ExitCode.Usage);
        }

        if (!File.Exists(config))
        {
            throw new SutureException($"--config {config}: no such file (the target kernel's config, e.g. /boot/config-$(uname -r))", ExitCode.Usage);
        }

        var tree = new KernelTree(root);
        string dotConfig = Path.Combine(root, ".config");
        if (!File.Exists(dotConfig) || !File.Exists(Path.Combine(root, "include", "generated", "autoconf.h")))
        {
            log($"configuring {root} with {config} (make olddefconfig prepare)");
            File.Copy(config, dotConfig, overwrite: true);
            tree.Make(["olddefconfig"]);
            tree.Make(["prepare"]);
        }

        if (Differences(config, dotConfig) is { Count: > 0 } differences)
        {
            throw new SutureException($"--source {root}: its .config differs from {config} ({string.Join(", ", differences.Take(3))}{(differences.Count > 3 ? ", ..." : "")}); objects built from it would not match the running kernel (cp {config} {dotConfig} && make -C {root} olddefconfig prepare)", ExitCode.Usage);
        }

        return tree;
    }

    /// <summary>
    /// The options set in <paramref name="wanted"/> that <paramref name="actual"/> sets differently,
    /// less those that only follow the build machine's tools (compiler, assembler and linker
    /// versions, pahole and the BTF debug information that needs it), which change no code.
    /// </summary>
    private static List<string> Differences(string wanted, string actual)
    {
        static Dictionary<string, string> Read(string path) => File.ReadLines(path)
            .Select(l => OptionLine().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        Dictionary<string, string> have = Read(actual);
        return Read(wanted)
            .Where(o => !o.Key.StartsWith("CONFIG_CC_VERSION", StringComparison.Ordinal) && !o.Key.StartsWith("CONFIG_GCC_VERSION", StringComparison.Ordinal)
                && !o.Key.StartsWith("CONFIG_AS_VERSION", StringComparison.Ordinal) && !o.Key.StartsWith("CONFIG_LD_VERSION", StringComparison.Ordinal)
                && !o.Key.Contains("_CAN_", StringComparison.Ordinal) && !o.Key.StartsWith("CONFIG_PAHOLE", StringComparison.Ordinal)
                && !o.Key.StartsWith("CONFIG_DEBUG_INFO_BTF", StringComparison.Ordinal) && o.Key != "CONFIG_MODULE_ALLOW_BTF_MISMATCH"
                && (!have.TryGetValue(o.Key, out string? value) || value != o.Value))
            .Select(o => $"{o.Key}={o.Value} but {(have.TryGetValue(o.Key, out string? value) ? value : "unset")}")
            .ToList();
    }

    [GeneratedRegex("^(CONFIG_[A-Za-z0-9_]+)=(.*)$")]
    private static partial Regex OptionLine();

    private void Make(IReadOnlyList<string> targets)
    {
        (int exit, string output) = ShellCommand.Run("make", ["-C", Root, "-s", $"-j{Environment.ProcessorCount}", .. targets], Root);
        if (exit != 0)
        {
            throw new SutureException($"make {string.Join(' ', targets)} in {Root} failed (exit {exit}): {LastLines(output)}", ExitCode.BuildFailed);
        }
    }

    /// <summary>
    /// Builds <paramref name="relativeSource"/> (e.g. <c>fs/proc/version.c</c>) with function and data
    /// sections into <paramref name="output"/>, from <paramref name="source"/> (the tree's own file
    /// or a patched copy; <c>__FILE__</c> names the tree's path either way).
    /// </summary>
    public void BuildObject(string relativeSource, string source, string output)
    {
        string relativeObject = Path.ChangeExtension(relativeSource, ".o");
        string commandFile = Path.Combine(Root, Path.GetDirectoryName(relativeObject) ?? "", "." + Path.GetFileName(relativeObject) + ".cmd");
        if (!File.Exists(commandFile) || File.GetLastWriteTimeUtc(Path.Combine(Root, relativeSource)) > File.GetLastWriteTimeUtc(commandFile))
        {
            Make([relativeObject]);
        }

        if (!File.Exists(commandFile))
        {
            throw new SutureException($"{relativeSource}: kbuild recorded no command for {relativeObject} ({commandFile}); is it built into this configuration's vmlinux (obj-y)?", ExitCode.BuildFailed);
        }

        string command = SavedCommand(commandFile, relativeObject);
        string compile = $" -c -o {relativeObject} {relativeSource}";
        if (!command.Contains(compile, StringComparison.Ordinal))
        {
            throw new SutureException($"{commandFile}: the recorded command does not compile {relativeSource} as expected ('{compile.Trim()}' missing)", ExitCode.BuildFailed);
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(source))!;
        string sourcePrefix = Path.GetFullPath(source)[..^relativeSource.Length];
        command = command
            .Replace(compile, $" -ffunction-sections -fdata-sections -iquote {Path.GetDirectoryName(relativeSource)} -fmacro-prefix-map={sourcePrefix}= -c -o {output} {Path.GetFullPath(source)}", StringComparison.Ordinal)
            .Replace($"-Wp,-MMD,{Path.GetDirectoryName(relativeObject)}/.{Path.GetFileName(relativeObject)}.d", $"-Wp,-MMD,{output}.d", StringComparison.Ordinal);
        command = Regex.Replace(command, $@"(objtool\b[^;]*?)\s{Regex.Escape(relativeObject)}\s*$", $"$1 {output}");
        _ = directory;
        (int exit, string log) = ShellCommand.Run("/bin/sh", ["-c", command], Root);
        if (exit != 0 || !File.Exists(output))
        {
            throw new SutureException($"{relativeSource}: building {(source.StartsWith(Root, StringComparison.Ordinal) ? "the original" : "the patched")} object failed (exit {exit}): {LastLines(log)}", ExitCode.BuildFailed);
        }
    }

    /// <summary>The <c>cmd_OBJ := ...</c> line of a kbuild .cmd file, with make's escapes undone.</summary>
    private static string SavedCommand(string commandFile, string relativeObject)
    {
        foreach (string line in File.ReadLines(commandFile))
        {
            foreach (string prefix in new[] { $"cmd_{relativeObject} := ", $"savedcmd_{relativeObject} := " })
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..].Replace("$$", "$", StringComparison.Ordinal).Replace("\\#", "#", StringComparison.Ordinal).TrimEnd();
                }
            }
        }

        throw new SutureException($"{commandFile}: no saved command for {relativeObject}", ExitCode.BuildFailed);
    }

    internal static string LastLines(string output)
    {
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(" | ", lines.TakeLast(6)).Trim();
    }
}
