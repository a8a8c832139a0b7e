using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>Patches for shared libraries, applied to every process that maps them.</summary>
public sealed class LibraryTests
{
    [Fact]
    public void A_library_patch_reaches_three_running_processes_at_once()
    {
        using var project = new LibraryProject();
        using RunningProgram first = project.Start();
        using RunningProgram second = project.Start();
        using RunningProgram third = project.Start();
        RunningProgram[] all = [first, second, third];
        foreach (RunningProgram program in all)
        {
            program.WaitForLine(l => l == LibraryProject.LibraryOld);
        }

        int[] before = all.Select(p => p.LineCount).ToArray();
        ToolResult result = SutureCli.Succeed("apply", "-p", "all", project.LibraryPatch);

        Assert.Contains("3 process(es) map libfoo.so", result.Stdout);
        Assert.Contains("3 patched", result.Stdout);
        for (int i = 0; i < all.Length; i++)
        {
            all[i].WaitForLine(l => l == LibraryProject.LibraryNew, before[i]);
            Assert.Contains("lib-fix level 1 for libfoo.so", SutureCli.Succeed("status", "-p", all[i].Pid.ToString()).Stdout);
        }

        ToolResult again = SutureCli.Succeed("apply", "-p", "all", project.LibraryPatch);
        Assert.Contains("3 already patched", again.Stdout);
    }

    [Fact]
    public void Executable_and_library_are_patched_in_the_same_process_and_reverted_one_by_one()
    {
        using var project = new LibraryProject();
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == LibraryProject.LibraryOld);
        string pid = program.Pid.ToString();

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", pid, project.LibraryPatch);
        SutureCli.Succeed("apply", "-p", pid, project.ExecutablePatch);
        int both = program.WaitForLine(l => l == SeedProject.NewLine, before);
        program.WaitForLine(l => l == LibraryProject.LibraryNew, both);
        string status = SutureCli.Succeed("status", "-p", pid).Stdout;
        Assert.Contains("lib-fix level 1 for libfoo.so", status);
        Assert.Contains("exe-fix level 1 for foo", status);

        SutureCli.Succeed("revert", "-p", pid, "--id", "lib-fix");
        int libraryBack = program.WaitForLine(l => l == LibraryProject.LibraryOld, program.LineCount);
        program.WaitForLine(l => l == SeedProject.NewLine, libraryBack);
        SutureCli.Succeed("revert", "-p", pid);
        program.WaitForSteady(SeedProject.OldLine, 1, program.LineCount);
    }

    [Fact]
    public void A_process_in_a_chroot_is_patched_through_its_own_files()
    {
        using var project = new SeedProject(TestTargets.Looper, "gcc -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        string root = Path.Combine(project.Root, "chroot");
        foreach (string file in new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2" })
        {
            string copy = root + file;
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        File.Copy(project.Binary, Path.Combine(root, "foo"));
        using RunningProgram program = RunningProgram.Start("/usr/sbin/chroot", root, "/foo");
        program.WaitForLine(l => l == SeedProject.OldLine);
        Assert.Equal(root, new DirectoryInfo($"/proc/{program.Pid}/root").LinkTarget);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.PatchPath);
        int after = program.WaitForSteady(SeedProject.NewLine, 5, before);
        SutureCli.Succeed("revert", "-p", program.Pid.ToString());
        program.WaitForSteady(SeedProject.OldLine, 5, after);
    }

    [Fact]
    public void A_patch_store_applies_the_newest_level_of_each_object_and_status_all_reports_every_process()
    {
        using var project = new LibraryProject();
        using var store = new TempDirectory("suture-store");
        File.Copy(project.LibraryPatch, store.File("lib/1-lib-fix.patch").EnsureDirectory());
        File.Copy(project.ExecutablePatch, store.File("exe/1-exe-fix.patch").EnsureDirectory());
        using RunningProgram first = project.Start();
        using RunningProgram second = project.Start();
        first.WaitForLine(l => l == LibraryProject.LibraryOld);
        second.WaitForLine(l => l == LibraryProject.LibraryOld);

        ToolResult before = SutureCli.Succeed("status", "--all", store.Path, "--json");
        Assert.Contains($"\"pid\": {first.Pid}", before.Stdout);
        Assert.Contains("\"state\": \"unpatched\"", before.Stdout);

        SutureCli.Succeed("apply", "-p", first.Pid.ToString(), store.Path);
        first.WaitForLine(l => l == LibraryProject.LibraryNew, 0);
        first.WaitForLine(l => l == SeedProject.NewLine, 0);

        string all = SutureCli.Succeed("status", "--all").Stdout;
        Assert.Contains("libfoo.so", all);
        Assert.Matches($@"{first.Pid} +foo +patched at level 1 \(lib-fix\)", all);
        Assert.Matches($@"{second.Pid} +foo +unpatched", all);

        ToolResult fleet = SutureCli.Succeed("apply", "-p", "all", store.Path);
        Assert.Contains("2 object(s) in the store", fleet.Stdout);
        second.WaitForLine(l => l == LibraryProject.LibraryNew, 0);
        Assert.DoesNotContain("unpatched", SutureCli.Succeed("status", "--all", store.Path).Stdout);
    }

    [Fact]
    public void Processes_that_exit_during_apply_all_are_reported_and_do_not_stop_the_others()
    {
        using var project = new LibraryProject();
        var programs = new List<RunningProgram>();
        try
        {
            for (int i = 0; i < 12; i++)
            {
                programs.Add(project.Start());
            }

            foreach (RunningProgram program in programs)
            {
                program.WaitForLine(l => l == LibraryProject.LibraryOld);
            }

            // Half of them are killed while apply -p all scans and patches.
            using var apply = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(SutureCli.Path, ["apply", "-p", "all", project.LibraryPatch]) { RedirectStandardOutput = true });
            foreach (RunningProgram victim in programs.Where((_, index) => index % 2 == 1))
            {
                victim.Dispose();
            }

            string output = apply!.StandardOutput.ReadToEnd();
            Assert.True(apply.WaitForExit(60_000));
            Assert.True(apply.ExitCode == 0, output);
            Assert.Matches(@"process\(es\) map libfoo.so .*: \d+ patched, 0 already patched, 0 not patchable, \d+ exited", output);
            foreach (RunningProgram survivor in programs.Where((_, index) => index % 2 == 0))
            {
                survivor.WaitForLine(l => l == LibraryProject.LibraryNew, 0);
            }
        }
        finally
        {
            programs.ForEach(p => p.Dispose());
        }
    }
}
