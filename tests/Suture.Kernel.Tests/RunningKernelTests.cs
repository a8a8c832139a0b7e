using Suture.Patching.Host;

namespace Suture.Kernel.Tests;

/// <summary>
/// The kernel as an object of the host state, read from a directory laid out as the kernel's
/// sysfs and procfs files and dpkg's database are (the same read on a real kernel is in
/// tests/kernel/run.sh, under QEMU).
/// </summary>
public sealed class RunningKernelTests : IDisposable
{
    private const string Release = "6.1.0-50-amd64";
    private readonly string _root = Directory.CreateTempSubdirectory("suture-running-kernel-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_suture_livepatch_makes_the_kernel_an_object_with_its_package_and_effective_version()
    {
        Livepatch("fix_v2", enabled: true, transition: false, id: "fix", level: 2, cves: "CVE-2026-0001,CVE-2026-0002");
        Livepatch("livepatch_sample", enabled: true, transition: false, id: null, level: 0, cves: null);
        Dpkg();

        HostObject kernel = Kernel().AsHostObject(DpkgDatabase.Load(Path.Combine(_root, "dpkg")))!;

        Assert.Equal($"/boot/vmlinuz-{Release}", kernel.Path);
        Assert.Equal("00112233445566778899aabbccddeeff00112233", kernel.BuildId);
        Assert.Equal($"linux-image-{Release}", kernel.Package);
        Assert.Equal("6.1.176-1", kernel.PackageVersion);
        Assert.Equal($"linux-image-{Release} 6.1.176-1 +suture:fix.2", kernel.EffectiveVersion);
        HostPatch patch = Assert.Single(kernel.Patches); // the sample is no suture patch: no id, level or CVEs
        Assert.Equal(["CVE-2026-0001", "CVE-2026-0002"], patch.Cves);
        Assert.Empty(kernel.PatchedPids); // transition over: every task runs it, none is listed
        Assert.Empty(kernel.UnpatchedPids);
    }

    [Fact]
    public void During_a_transition_the_tasks_not_switched_yet_still_run_the_old_code()
    {
        Livepatch("fix", enabled: true, transition: true, id: "fix", level: 1, cves: "CVE-2026-0001");
        Task(100, "switched", "1");
        Task(200, "sleeper", "0");

        HostObject kernel = Kernel().AsHostObject(DpkgDatabase.Load(Path.Combine(_root, "no-dpkg")))!;

        Assert.Null(kernel.Package);
        Assert.Null(kernel.EffectiveVersion);
        Assert.Equal([100], kernel.PatchedPids);
        Assert.Equal([(200, "not switched to livepatch fix yet")], kernel.UnpatchedPids);
        Assert.Equal([100], Assert.Single(kernel.Patches).Pids);
    }

    [Fact]
    public void No_object_without_an_enabled_suture_livepatch()
    {
        Livepatch("fix", enabled: false, transition: true, id: "fix", level: 1, cves: "CVE-2026-0001"); // being unpatched
        Livepatch("livepatch_sample", enabled: true, transition: false, id: null, level: 0, cves: null);

        Assert.Null(Kernel().AsHostObject(DpkgDatabase.Load(Path.Combine(_root, "no-dpkg"))));
    }

    private RunningKernel Kernel()
    {
        Directory.CreateDirectory(Path.Combine(_root, "proc/sys/kernel"));
        File.WriteAllText(Path.Combine(_root, "proc/sys/kernel/osrelease"), Release + "\n");
        byte[] id = Convert.FromHexString("00112233445566778899aabbccddeeff00112233");
        // one Xen note first, then the GNU Build ID note, as /sys/kernel/notes has them
        byte[] notes = [.. Note("Xen\0"u8.ToArray(), 6, [1, 2, 3, 4]), .. Note("GNU\0"u8.ToArray(), 3, id)];
        File.WriteAllBytes(Path.Combine(_root, "notes"), notes);
        return new RunningKernel(Path.Combine(_root, "livepatch"), Path.Combine(_root, "module"), Path.Combine(_root, "proc"), Path.Combine(_root, "notes"));
    }

    private static byte[] Note(byte[] name, int type, byte[] desc) =>
        [.. BitConverter.GetBytes(name.Length), .. BitConverter.GetBytes(desc.Length), .. BitConverter.GetBytes(type), .. name, .. desc, .. new byte[(4 - (desc.Length % 4)) % 4]];

    private void Livepatch(string name, bool enabled, bool transition, string? id, int level, string? cves)
    {
        string directory = Path.Combine(_root, "livepatch", name);
        Directory.CreateDirectory(Path.Combine(directory, "vmlinux", "version_proc_show,1"));
        File.WriteAllText(Path.Combine(directory, "enabled"), enabled ? "1\n" : "0\n");
        File.WriteAllText(Path.Combine(directory, "transition"), transition ? "1\n" : "0\n");
        string parameters = Path.Combine(_root, "module", name, "parameters");
        Directory.CreateDirectory(parameters);
        if (id is not null)
        {
            File.WriteAllText(Path.Combine(parameters, "suture_id"), id + "\n");
            File.WriteAllText(Path.Combine(parameters, "suture_level"), $"{level}\n");
            File.WriteAllText(Path.Combine(parameters, "suture_cves"), cves + "\n");
        }
    }

    private void Task(int tid, string comm, string state)
    {
        string task = Path.Combine(_root, "proc", $"{tid}", "task", $"{tid}");
        Directory.CreateDirectory(task);
        File.WriteAllText(Path.Combine(task, "patch_state"), state + "\n");
        File.WriteAllText(Path.Combine(task, "comm"), comm + "\n");
    }

    private void Dpkg()
    {
        string info = Path.Combine(_root, "dpkg", "info");
        Directory.CreateDirectory(info);
        File.WriteAllText(Path.Combine(info, $"linux-image-{Release}.list"), $"/.\n/boot\n/boot/vmlinuz-{Release}\n/boot/config-{Release}\n");
        File.WriteAllText(Path.Combine(_root, "dpkg", "status"),
            $"Package: linux-image-{Release}\nStatus: install ok installed\nArchitecture: amd64\nSource: linux-signed-amd64 (6.1.176+1)\nVersion: 6.1.176-1\n\n");
    }
}
