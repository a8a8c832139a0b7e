using Suture.Elf;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// A Debian source package built with <c>dpkg-buildpackage -b -uc -us</c> (dh, dpkg-buildflags'
/// hardening flags and <c>-ffile-prefix-map</c>), its binary installed stripped by dh_strip: the
/// patch is built with the same command and applied to the stripped binary, and the work trees
/// run only up to <c>debian/rules build</c> without the test suite.
/// </summary>
public sealed class DebianPackageTests
{
    private const string Program = """
        #include <stdio.h>
        #include <string.h>
        #include <unistd.h>

        __attribute__((noinline)) static int checked_length(const char *text) { return (int)strlen(text); }

        __attribute__((noinline)) static void report(const char *text) { printf("length %d\n", checked_length(text)); }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (;;) {
                report("abcdef");
                usleep(20000);
            }
        }

        """;

    private static readonly Dictionary<string, string> Package = new()
    {
        ["foo.c"] = Program,
        ["Makefile"] = "foo: foo.c\n\t$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o foo foo.c\n",
        ["debian/control"] = """
            Source: suture-test-foo
            Section: misc
            Priority: optional
            Maintainer: Suture Tests <tests@suture.invalid>
            Build-Depends: debhelper-compat (= 13)
            Standards-Version: 4.6.2
            Rules-Requires-Root: no

            Package: suture-test-foo
            Architecture: any
            Depends: ${shlibs:Depends}, ${misc:Depends}
            Description: test program for suture
             A program that reports the length of a string.

            """,
        ["debian/changelog"] = "suture-test-foo (1.0) unstable; urgency=medium\n\n  * Test package.\n\n -- Suture Tests <tests@suture.invalid>  Tue, 01 Dec 2026 00:00:00 +0000\n",
        ["debian/source/format"] = "3.0 (native)\n",
        // The test suite and the install step fail unless the deployed build asks for them: the
        // work trees must run neither.
        ["debian/rules"] = "#!/usr/bin/make -f\n%:\n\tdh $@\n\noverride_dh_auto_test:\n\ttest -n \"$(FULL_BUILD)\"\n\noverride_dh_auto_install:\n\ttest -n \"$(FULL_BUILD)\"\n\tinstall -D -m 755 foo debian/suture-test-foo/usr/bin/foo\n",
    };

    private const string Installed = "debian/suture-test-foo/usr/bin/foo";

    [Fact]
    public void A_dpkg_buildpackage_build_patches_the_stripped_installed_binary()
    {
        using var project = new CProject("debian-package", "chmod +x debian/rules && FULL_BUILD=1 dpkg-buildpackage -b -uc -us", Package);
        Assert.Empty(ElfFile.Load(project.Deployed(Installed)).Symbols);
        File.SetUnixFileMode(Path.Combine(project.Source, "debian/rules"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using RunningProgram program = project.Start(Installed);
        program.WaitForLine(l => l == "length 6");
        string diff = project.Fix("fix", ("foo.c", "return (int)strlen(text);", "return (int)strnlen(text, 4);"));

        ToolResult built = project.BuildPatch(diff, "dpkg-buildpackage -b -uc -us", project.File("foo.patch"), [Installed]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("runs up to debian/rules build", built.Stderr);
        Assert.Contains("foo is stripped: located", built.Stderr);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "length 4", before);
    }

    /// <summary>
    /// <c>dpkg-buildpackage -B</c> builds the architecture-dependent packages only: the work trees
    /// run <c>debian/rules build-arch</c>, as the full build does, not <c>build</c>, which also
    /// builds the architecture-independent ones (haproxy's haproxy-doc, whose HTML needs a
    /// Python module the -B build never uses; here a build-indep step that fails).
    /// </summary>
    [Fact]
    public void An_architecture_dependent_build_runs_only_build_arch_in_the_work_trees()
    {
        var package = new Dictionary<string, string>(Package)
        {
            ["debian/control"] = Package["debian/control"] + """

                Package: suture-test-foo-doc
                Architecture: all
                Description: documentation of the test program
                 Built by the architecture-independent build only.

                """,
            ["debian/rules"] = Package["debian/rules"] + "\noverride_dh_auto_build-indep:\n\ttest -n \"$(FULL_BUILD)\"\n",
        };
        using var project = new CProject("debian-arch", "chmod +x debian/rules && FULL_BUILD=1 dpkg-buildpackage -B -uc -us", package);
        File.SetUnixFileMode(Path.Combine(project.Source, "debian/rules"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using RunningProgram program = project.Start(Installed);
        program.WaitForLine(l => l == "length 6");
        string diff = project.Fix("fix", ("foo.c", "return (int)strlen(text);", "return (int)strnlen(text, 4);"));

        ToolResult built = project.BuildPatch(diff, "dpkg-buildpackage -B -uc -us", project.File("foo.patch"), [Installed]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("runs up to debian/rules build-arch", built.Stderr);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "length 4", before);
    }

    /// <summary>
    /// A source tree with a directory named <c>build</c> (jq's has an empty one): make takes
    /// <c>debian/rules build</c> for up to date and runs nothing, while the package's own
    /// <c>dpkg-buildpackage -b</c> builds everything in <c>debian/rules binary</c>. The work trees
    /// still build (through the wrapper makefile), so the fix is found, patched and applied.
    /// </summary>
    [Fact]
    public void A_tree_with_a_directory_named_like_the_build_target_is_still_built()
    {
        var package = new Dictionary<string, string>(Package) { ["build/README"] = "not a build output\n" };
        using var project = new CProject("debian-build-dir", "chmod +x debian/rules && FULL_BUILD=1 dpkg-buildpackage -b -uc -us", package);
        File.SetUnixFileMode(Path.Combine(project.Source, "debian/rules"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using RunningProgram program = project.Start(Installed);
        program.WaitForLine(l => l == "length 6");
        string diff = project.Fix("fix", ("foo.c", "return (int)strlen(text);", "return (int)strnlen(text, 4);"));

        ToolResult built = project.BuildPatch(diff, "dpkg-buildpackage -b -uc -us", project.File("foo.patch"), [Installed]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("the tree has a directory named build", built.Stderr);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "length 4", before);
    }

    /// <summary>The build target is the one dpkg-buildpackage runs for the command's build type (the last one given wins).</summary>
    [Theory]
    [InlineData("dpkg-buildpackage -b -uc -us", "build")]
    [InlineData("dpkg-buildpackage -uc -us", "build")]
    [InlineData("dpkg-buildpackage -B -uc -us", "build-arch")]
    [InlineData("dpkg-buildpackage --build=any -uc -us", "build-arch")]
    [InlineData("dpkg-buildpackage -A", "build-indep")]
    [InlineData("dpkg-buildpackage --build=all", "build-indep")]
    [InlineData("dpkg-buildpackage --build=any,all", "build")]
    [InlineData("dpkg-buildpackage -G", "build-arch")]
    [InlineData("dpkg-buildpackage -B -b", "build")]
    public void The_rules_target_follows_the_build_type(string command, string target)
    {
        Assert.Equal(target, Suture.Build.Workspace.DebianBuild.BuildTarget(command));
        Assert.EndsWith(" --rules-target=" + target, Suture.Build.Workspace.DebianBuild.Adapt(command).Command);
    }
}
