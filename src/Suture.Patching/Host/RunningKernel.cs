using Suture.Contracts;

namespace Suture.Patching.Host;

/// <summary>
/// The running kernel and its livepatches as the kernel shows them: release
/// (<c>/proc/sys/kernel/osrelease</c>), Build ID (<c>/sys/kernel/notes</c>), the livepatches of
/// <c>/sys/kernel/livepatch</c> with the metadata suture's modules carry as read-only module
/// parameters (<c>/sys/module/NAME/parameters/suture_id</c>, <c>suture_level</c>,
/// <c>suture_cves</c>), and during a transition each task's <c>patch_state</c>. Read by
/// <c>suture kernel status</c> and, as one object of the host state, by the scanners' files
/// (docs/scanners.md).
/// </summary>
public sealed class RunningKernel(string sysfsRoot = RunningKernel.DefaultSysfsRoot, string modulesRoot = RunningKernel.DefaultModulesRoot, string procRoot = "/proc", string notesPath = "/sys/kernel/notes")
{
    public const string DefaultSysfsRoot = "/sys/kernel/livepatch";
    public const string DefaultModulesRoot = "/sys/module";

    public string SysfsRoot => sysfsRoot;

    public bool HasLivepatch => Directory.Exists(sysfsRoot);

    public string Release => ReadText(Path.Combine(procRoot, "sys/kernel/osrelease"))?.Trim() ?? "unknown";

    /// <summary>The file the kernel of this release is booted from by Debian's convention, which its package owns: the kernel's path in the host state.</summary>
    public string ImagePath => $"/boot/vmlinuz-{Release}";

    /// <summary>Whether an object path of the host state is the kernel's (<see cref="ImagePath"/> of some release).</summary>
    public static bool IsImagePath(string path) => path.StartsWith("/boot/vmlinuz-", StringComparison.Ordinal);

    /// <summary>The livepatches, in name order, with suture's metadata where the module has it.</summary>
    public IReadOnlyList<KernelPatchState> Livepatches()
    {
        var patches = new List<KernelPatchState>();
        if (!HasLivepatch)
        {
            return patches;
        }

        foreach (string directory in Directory.GetDirectories(sysfsRoot).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(directory);
            bool enabled = ReadFlag(directory, "enabled");
            bool transition = ReadFlag(directory, "transition");
            var functions = new List<string>();
            foreach (string objectDirectory in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
            {
                functions.AddRange(Directory.GetDirectories(objectDirectory).Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileName(objectDirectory)}:{Path.GetFileName(f)}"));
            }

            string? id = Parameter(name, "suture_id");
            int level = int.TryParse(Parameter(name, "suture_level"), out int parsed) ? parsed : 0;
            string[] cves = Parameter(name, "suture_cves")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
            IReadOnlyList<string> pending = transition ? Tasks(enabled ? 1 : 0).Pending.Select(t => $"{t.Tid} {t.Comm}").ToList() : [];
            patches.Add(new KernelPatchState(name, enabled, transition, functions, pending, id, level, cves));
        }

        return patches;
    }

    /// <summary>A read-only module parameter from /sys/module/NAME/parameters, or null.</summary>
    public string? Parameter(string module, string parameter) =>
        ReadText(Path.Combine(modulesRoot, module, "parameters", parameter))?.TrimEnd('\n');

    /// <summary>
    /// During a transition every task's <c>/proc/PID/task/TID/patch_state</c> is 1 (patched) or 0
    /// (unpatched): those at <paramref name="target"/> are switched, the others hold it up.
    /// </summary>
    public (IReadOnlyList<(int Tid, string Comm)> Switched, IReadOnlyList<(int Tid, string Comm)> Pending) Tasks(int target)
    {
        var switched = new List<(int, string)>();
        var pending = new List<(int, string)>();
        string wanted = target == 1 ? "1" : "0";
        foreach (string process in Directory.GetDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(process), out _))
            {
                continue;
            }

            try
            {
                foreach (string task in Directory.GetDirectories(Path.Combine(process, "task")))
                {
                    string state = File.ReadAllText(Path.Combine(task, "patch_state")).Trim();
                    if (state is not ("0" or "1") || !int.TryParse(Path.GetFileName(task), out int tid))
                    {
                        continue; // -1: no transition (it ended meanwhile)
                    }

                    (state == wanted ? switched : pending).Add((tid, File.ReadAllText(Path.Combine(task, "comm")).Trim()));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process exited meanwhile
            }
        }

        return (switched, pending);
    }

    /// <summary>The running kernel's Build ID from its notes (GNU note type 3), or null.</summary>
    public string? BuildId()
    {
        byte[] notes;
        try
        {
            notes = File.ReadAllBytes(notesPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        int at = 0;
        while (at + 12 <= notes.Length)
        {
            int nameSize = BitConverter.ToInt32(notes, at);
            int descSize = BitConverter.ToInt32(notes, at + 4);
            int type = BitConverter.ToInt32(notes, at + 8);
            int nameStart = at + 12;
            int descStart = nameStart + ((nameSize + 3) & ~3);
            if (nameSize < 0 || descSize < 0 || descStart + descSize > notes.Length)
            {
                return null;
            }

            if (type == 3 && nameSize == 4 && notes.AsSpan(nameStart, 4).SequenceEqual("GNU\0"u8))
            {
                return Convert.ToHexStringLower(notes.AsSpan(descStart, descSize));
            }

            at = descStart + ((descSize + 3) & ~3);
        }

        return null;
    }

    /// <summary>
    /// The kernel as an object of the host state, when it runs an enabled livepatch built by
    /// suture: path <see cref="ImagePath"/>, its Build ID, the package that owns the image (so the
    /// effective version is, as for a library, <c>linux-image-6.1.0-50-amd64 6.1.176-1
    /// +suture:ID.LEVEL</c>), and its suture livepatches. Its "processes" are tasks: while a patch
    /// is in transition the switched tasks run it and the others (<c>not switched yet</c>) do not,
    /// so its CVEs are partially fixed; once the transition is over every task runs it, no task is
    /// listed, and its CVEs are fixed. A patch being disabled (unpatching) counts as gone.
    /// </summary>
    public HostObject? AsHostObject(DpkgDatabase dpkg) => AsHostObject(PackageOwners.Of(dpkg));

    /// <inheritdoc cref="AsHostObject(DpkgDatabase)"/>
    /// <param name="owners">The package owners of the host state, looked up only if a livepatch runs.</param>
    public HostObject? AsHostObject(PackageOwners owners)
    {
        List<KernelPatchState> running = Livepatches().Where(p => p.Id is not null && p.Enabled).ToList();
        if (running.Count == 0)
        {
            return null;
        }

        // Tasks are listed only during a transition: those switched run the new patch, the others
        // what ran before it (a patch applied earlier, which then runs in every task, or nothing).
        KernelPatchState? moving = running.FirstOrDefault(p => p.Transition);
        IReadOnlyList<(int Tid, string Comm)> switched = [], pending = [];
        if (moving is not null)
        {
            (switched, pending) = Tasks(1);
        }

        List<int> switchedTids = switched.Select(t => t.Tid).Order().ToList();
        List<int> everyTask = switched.Concat(pending).Select(t => t.Tid).Order().ToList();
        var patches = running.OrderBy(p => p.Level).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new HostPatch(p.Id!, Math.Max(p.Level, 1), p.Cves ?? [], null, null, p.Transition ? switchedTids : everyTask))
            .ToList();
        bool earlierPatch = running.Any(p => !p.Transition);
        List<int> patched = earlierPatch ? everyTask : switchedTids;
        List<(int, string)> unpatched = earlierPatch ? [] : pending.OrderBy(t => t.Tid).Select(t => (t.Tid, $"not switched to livepatch {moving!.Name} yet")).ToList();

        string image = ImagePath;
        PackageOwner? owner = owners.Owner(image);
        return new HostObject(image, BuildId() ?? "", owner?.Package, owner?.Version, patches, patched, unpatched)
        {
            Installed = owner?.Installed,
        };
    }

    private static bool ReadFlag(string directory, string file) => ReadText(Path.Combine(directory, file))?.Trim() == "1";

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
