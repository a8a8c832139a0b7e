using System.Diagnostics;
using Suture.Contracts;
using Suture.Native;
using Suture.Patching.Host;

namespace Suture.Kernel.Loading;

/// <summary>
/// <c>suture kernel apply/revert/status</c> on the kernel's livepatch facility: a patch is a module
/// whose init enables it; the kernel then switches each task to the new functions when it is not
/// running them (its consistency model), which <c>/sys/kernel/livepatch/NAME/transition</c>
/// shows. Apply waits for that with a timeout and, when tasks keep it from finishing, reverses it,
/// unloads the module and names those tasks. Revert disables the patch, waits for the reverse
/// transition and unloads the module.
/// </summary>
internal static class Livepatches
{
    public static string SysfsRoot { get; set; } = "/sys/kernel/livepatch";

    public static string ModulesRoot { get; set; } = "/sys/module";

    /// <summary>What apply did: the patch's name and level, and the livepatches its atomic replace unloaded.</summary>
    public sealed record Applied(string Name, int Level, IReadOnlyList<string> Replaced);

    /// <summary>A file found to be a livepatch module, with its module info (read once, by <see cref="Check"/>).</summary>
    /// <param name="Image">The module file's bytes: what is verified and then loaded.</param>
    public sealed record Module(string Path, byte[] Image, IReadOnlyDictionary<string, string> Info)
    {
        public string Name => Info["name"];

        public int Level => int.TryParse(Info.GetValueOrDefault("suture_level"), out int parsed) && parsed >= 1 ? parsed : 1;
    }

    /// <summary>
    /// What can be said of a module before its signature is checked: that it is a livepatch
    /// module at all, and that this kernel can load one (a user is not told to sign a file that
    /// is no module, or for a kernel without livepatch support). Its module info.
    /// </summary>
    public static Module Check(string path, byte[] image)
    {
        Dictionary<string, string> info = ModuleInfo.Read(image, path);
        if (info.GetValueOrDefault("livepatch") != "Y")
        {
            throw new SutureException($"{path}: module {info["name"]} is not a livepatch module (no livepatch=Y in its module info); build it with suture kernel build", ExitCode.CorruptPatch);
        }

        RequireLivepatch();
        return new Module(path, image, info);
    }

    /// <param name="replaceForeign">
    /// Whether a cumulative level may also replace livepatches suture did not build (the kernel's
    /// atomic replace disables every loaded livepatch); without it such a patch is refused.
    /// </param>
    public static Applied Apply(Module module, TimeSpan timeout, bool replaceForeign, Action<string> log, CancellationToken cancel)
    {
        (string path, byte[] image, IReadOnlyDictionary<string, string> info) = (module.Path, module.Image, module.Info);
        (string name, int level) = (module.Name, module.Level);
        if (info.TryGetValue("suture_build_id", out string? buildId) && Running.BuildId() is { } running && running != buildId)
        {
            throw new SutureException($"{path}: built for the kernel with Build ID {buildId}, but the running kernel's is {running} (build the patch against this kernel's vmlinux)", ExitCode.TargetMismatch);
        }

        if (Directory.Exists(Path.Combine(SysfsRoot, name)))
        {
            throw new SutureException($"livepatch {name} is already loaded ({Path.Combine(SysfsRoot, name)}); revert it first (suture kernel revert {name})", ExitCode.AlreadyApplied);
        }

        List<(string Name, int Level)> loaded = LoadedSuturePatches();
        if (loaded.FirstOrDefault(p => p.Level >= level) is { Name: not null } newer)
        {
            throw new SutureException($"{path}: the kernel runs livepatch {newer.Name} at level {newer.Level}, the same or a newer level than {name}'s ({level}); a cumulative patch of a higher level replaces it, or revert it first (suture kernel revert {newer.Name})", ExitCode.AlreadyApplied);
        }

        // Atomic replace disables every loaded livepatch, not only suture's: one someone else
        // loaded (another vendor's, a hand-built one) would silently lose its fixes.
        bool replaces = info.GetValueOrDefault("suture_level") is not null && level > 1;
        List<string> foreign = replaces ? ForeignPatches() : [];
        if (foreign.Count > 0 && !replaceForeign)
        {
            throw new SutureException($"{path}: {name} is cumulative (level {level}) and its atomic replace would also disable the livepatch(es) {string.Join(", ", foreign)}, which suture did not build; revert them first, or pass --replace-foreign to let {name} replace them (their modules stay loaded for their owner to remove)", ExitCode.AlreadyApplied);
        }

        try
        {
            KernelModules.Load(image, path);
        }
        catch (NativeCallException e)
        {
            throw new SutureException(LoadError(path, name, e.ErrorNumber), e.ErrorNumber is 1 or 13 or 126 or 127 or 129 ? ExitCode.PermissionDenied : ExitCode.Failure, e);
        }

        log($"loaded {name}; waiting for the transition");
        if (!WaitForTransition(name, 1, timeout, cancel, out IReadOnlyList<string> pending))
        {
            // Reverse the transition (the kernel allows disabling during one), then unload: the kernel is as it was.
            WriteFlag(name, "enabled", "0");
            WaitGone(name, timeout, CancellationToken.None);
            RemoveModule(name, timeout);
            throw new SutureException($"livepatch {name}: the transition did not finish in {timeout.TotalSeconds:0.#} s; reversed and unloaded. Tasks still running the old code: {Pending(pending)} (try again when they are idle, or with a longer --timeout)", cancel.IsCancellationRequested ? ExitCode.Interrupted : ExitCode.Busy);
        }

        // A cumulative patch (atomic replace) disabled every livepatch loaded before it; the kernel
        // frees them once the transition is over, and their modules, now unused, are unloaded here.
        var replaced = new List<string>();
        if (replaces)
        {
            foreach ((string old, int oldLevel) in loaded)
            {
                if (WaitGone(old, timeout, CancellationToken.None))
                {
                    RemoveModule(old, timeout);
                    replaced.Add(old);
                    log($"{name} (level {level}) replaced {old} (level {oldLevel}); unloaded it");
                }
            }

            foreach (string old in foreign)
            {
                if (WaitGone(old, timeout, CancellationToken.None))
                {
                    replaced.Add(old);
                    log($"{name} (level {level}) replaced livepatch {old}, which suture did not build (--replace-foreign); its module stays loaded (rmmod {old})");
                }
            }
        }

        return new Applied(name, level, replaced);
    }

    private static RunningKernel Running => new(SysfsRoot, ModulesRoot);

    /// <summary>The loaded livepatches that suture built (those with a suture_level parameter), with their levels.</summary>
    private static List<(string Name, int Level)> LoadedSuturePatches() =>
        Running.Livepatches().Where(p => int.TryParse(Running.Parameter(p.Name, "suture_level"), out _)).Select(p => (p.Name, p.Level)).ToList();

    /// <summary>The loaded livepatches suture did not build (no suture_level parameter).</summary>
    private static List<string> ForeignPatches() =>
        Directory.GetDirectories(SysfsRoot).Select(d => Path.GetFileName(d))
            .Where(n => Running.Parameter(n, "suture_level") is null).Order(StringComparer.Ordinal).ToList();

    public static string Revert(string nameOrPath, TimeSpan timeout, CancellationToken cancel)
    {
        string name = nameOrPath.EndsWith(".ko", StringComparison.Ordinal) ? ModuleInfo.Read(nameOrPath)["name"] : nameOrPath.Replace('-', '_');
        RequireLivepatch();
        string directory = Path.Combine(SysfsRoot, name);
        if (!Directory.Exists(directory))
        {
            if (Directory.Exists(Path.Combine(ModulesRoot, name)))
            {
                RemoveModule(name, timeout); // disabled already, module still loaded
                return name;
            }

            throw new SutureException($"livepatch {name} is not loaded (no {directory}); suture kernel status lists the loaded ones", ExitCode.NothingToRevert);
        }

        if (!WaitForTransition(name, ReadFlag(directory, "enabled") ? 1 : 0, timeout, cancel, out IReadOnlyList<string> pending))
        {
            throw new SutureException($"livepatch {name}: a transition is still under way after {timeout.TotalSeconds:0.#} s (tasks not switched: {Pending(pending)}); try again later", ExitCode.Busy);
        }

        WriteFlag(name, "enabled", "0");
        if (!WaitGone(name, timeout, cancel))
        {
            IReadOnlyList<string> blockers = PendingTasks(0);
            WriteFlag(name, "enabled", "1"); // reverse the unpatching: the patch stays as it was
            WaitForTransition(name, 1, timeout, CancellationToken.None, out _);
            throw new SutureException($"livepatch {name}: unpatching did not finish in {timeout.TotalSeconds:0.#} s; it stays applied. Tasks still running the patched code: {Pending(blockers)} (try again when they are idle, or with a longer --timeout)", cancel.IsCancellationRequested ? ExitCode.Interrupted : ExitCode.Busy);
        }

        RemoveModule(name, timeout);
        return name;
    }

    public static KernelStatusResult Status()
    {
        RunningKernel kernel = Running;
        return new KernelStatusResult(kernel.HasLivepatch, kernel.Release, kernel.Livepatches());
    }

    private static void RequireLivepatch()
    {
        if (!Directory.Exists(SysfsRoot))
        {
            throw new SutureException($"this kernel has no livepatch support ({SysfsRoot} is missing; it needs CONFIG_LIVEPATCH=y)", ExitCode.Unpatchable);
        }
    }

    private static string LoadError(string path, string name, int errno) => errno switch
    {
        1 or 13 => $"{path}: the kernel refused to load module {name} ({Errno.Describe(errno)}): suture kernel apply needs root (CAP_SYS_MODULE), and a kernel in lockdown or with module.sig_enforce=1 loads only signed modules (sign it with the kernel's module-signing key)",
        126 or 127 or 129 => $"{path}: the kernel loads only modules signed by a key it trusts (module.sig_enforce or lockdown) and refused {name}'s ({Errno.Describe(errno)}); sign it with such a module-signing key (suture kernel sign --module-key)",
        17 => $"{path}: module {name} is already loaded; revert it first (suture kernel revert {name})",
        8 => $"{path}: the kernel rejects the module's format (ENOEXEC): built for another kernel? (dmesg names the reason)",
        22 => $"{path}: the kernel rejects module {name} (EINVAL): its version magic or symbol versions do not match the running kernel, or a livepatch symbol is missing (dmesg names the reason)",
        _ => $"{path}: loading module {name} failed: {Errno.Describe(errno)} (dmesg names the reason)",
    };

    /// <summary>Waits until the patch's transition is over; false on timeout or cancellation, with the tasks not yet switched.</summary>
    private static bool WaitForTransition(string name, int target, TimeSpan timeout, CancellationToken cancel, out IReadOnlyList<string> pending)
    {
        string directory = Path.Combine(SysfsRoot, name);
        var clock = Stopwatch.StartNew();
        int delay = 1;
        while (true)
        {
            if (!Directory.Exists(directory) || !ReadFlag(directory, "transition"))
            {
                pending = [];
                return true;
            }

            if (clock.Elapsed >= timeout || cancel.IsCancellationRequested)
            {
                pending = PendingTasks(target);
                return false;
            }

            cancel.WaitHandle.WaitOne(delay);
            delay = Math.Min(delay * 2, 100);
        }
    }

    /// <summary>Waits until the patch's sysfs directory is gone (the kernel removes it when unpatching completes).</summary>
    private static bool WaitGone(string name, TimeSpan timeout, CancellationToken cancel)
    {
        string directory = Path.Combine(SysfsRoot, name);
        var clock = Stopwatch.StartNew();
        int delay = 1;
        while (Directory.Exists(directory))
        {
            if (clock.Elapsed >= timeout || cancel.IsCancellationRequested)
            {
                return false;
            }

            cancel.WaitHandle.WaitOne(delay);
            delay = Math.Min(delay * 2, 100);
        }

        return true;
    }

    private static void RemoveModule(string name, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        int delay = 1;
        while (true)
        {
            try
            {
                KernelModules.Remove(name);
                return;
            }
            catch (NativeCallException e) when (e.ErrorNumber is 2)
            {
                return; // gone already
            }
            catch (NativeCallException e) when (e.ErrorNumber is 11 or 16 && clock.Elapsed < timeout)
            {
                Thread.Sleep(delay); // the kernel drops its reference once the patch is freed
                delay = Math.Min(delay * 2, 100);
            }
            catch (NativeCallException e)
            {
                throw new SutureException($"livepatch {name} is disabled but its module could not be removed: {Errno.Describe(e.ErrorNumber)} (rmmod {name} later)", ExitCode.PartialFailure, e);
            }
        }
    }

    /// <summary>The tasks not switched yet to <paramref name="target"/> (1 while patching, 0 while unpatching), as <c>TID comm</c>.</summary>
    private static IReadOnlyList<string> PendingTasks(int target) => Running.Tasks(target).Pending.Select(t => $"{t.Tid} {t.Comm}").ToList();

    private static string Pending(IReadOnlyList<string> pending) => pending.Count == 0 ? "none reported" : string.Join(", ", pending.Take(20)) + (pending.Count > 20 ? $" and {pending.Count - 20} more" : "");

    private static bool ReadFlag(string directory, string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, file)).Trim() == "1";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void WriteFlag(string name, string file, string value)
    {
        try
        {
            File.WriteAllText(Path.Combine(SysfsRoot, name, file), value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException($"livepatch {name}: writing {value} to {Path.Combine(SysfsRoot, name, file)} failed: {e.Message}", ExitCode.Failure, e);
        }
    }
}
