using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// A binary built with a distribution's default flags (Debian's <c>dpkg-buildflags</c>) is
/// reproduced exactly by the rebuilt original: the compiler wrappers add nothing that changes the
/// code. Function sections, which change the assembler's branch relaxation, are only used to
/// recompile the changed objects for the patch.
/// </summary>
public sealed class DistributionFlagsTests
{
    /// <summary>dpkg-buildflags on Debian 12: CFLAGS, CPPFLAGS and LDFLAGS (with hardening=+bindnow).</summary>
    private const string Flags = "-g -O2 -ffile-prefix-map=$PWD=. -fstack-protector-strong -Wformat -Werror=format-security -Wdate-time -D_FORTIFY_SOURCE=2 -Wl,-z,relro -Wl,-z,now";

    private const string Build = "gcc " + Flags + " -o foo foo.c";

    // serve ends in a tail jump to wait_a_bit, placed just before it: a short jmp (rel8) when both are in
    // one .text, a long one (rel32, 3 bytes more) with -ffunction-sections.
    private const string Source = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <stdio.h>
        #include <unistd.h>

        #define noinline __attribute__((noinline))

        volatile int spin = 1;

        noinline void wait_a_bit(void) { int n = 0; while (spin && n++ < 20) usleep(1000); }

        noinline void serve(void) { printf("serve\n"); wait_a_bit(); }

        noinline void report(int n) { printf("report %d\n", n); }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (int n = 0;; n++) {
                serve();
                report(n % 3);
            }
        }

        """;

    [Fact]
    public void The_default_flags_of_a_distribution_reproduce_the_deployed_binary_and_the_patch_reaches_extern_data()
    {
        using var project = new CProject("distflags", Build, new Dictionary<string, string> { ["foo.c"] = Source });
        Assert.True(SizeOf(project.Deployed("foo"), "serve") < SizeOf(SectionsBuild(project), "serve"), "the reproduction needs serve's tail jump to be short only without function sections");
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "report 2");

        // The new code reads program_invocation_short_name, libc data the program never used (no copy relocation).
        string diff = project.Fix("fix", ("foo.c", "printf(\"report %d\\n\", n);", "printf(\"report fixed %s %d\\n\", program_invocation_short_name, n);"));
        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.DoesNotContain("ignore-build-mismatch", SutureCli.Succeed("inspect", project.File("foo.patch")).Stdout);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "report fixed foo 2", before);
    }

    [Theory]
    [InlineData("-D_FORTIFY_SOURCE=2", "-D_FORTIFY_SOURCE=1", "report")] // __printf_chk's flag argument
    [InlineData("-O2", "-O1", "serve")]
    public void A_deployed_binary_built_with_one_flag_changed_is_caught_naming_the_function(string deployedFlag, string rebuildFlag, string function)
    {
        using var project = new CProject("distflags-other", Build, new Dictionary<string, string> { ["foo.c"] = Source });
        string diff = project.Fix("fix", ("foo.c", "\"report %d\\n\"", "\"report fixed %d\\n\""));

        ToolResult built = project.BuildPatch(diff, Build.Replace(deployedFlag, rebuildFlag, StringComparison.Ordinal), project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 12, built.ToString());
        Assert.Contains($"foo.c: {function}:", built.Stderr);
    }

    private static string SectionsBuild(CProject project)
    {
        string output = project.File("foo-sections");
        ToolResult built = Tool.Run("/bin/sh", ["-c", $"gcc -ffunction-sections {Flags} -o {output} foo.c"], project.Deploy);
        Assert.True(built.ExitCode == 0, built.ToString());
        return output;
    }

    private static int SizeOf(string binary, string function)
    {
        ToolResult nm = Tool.Run("nm", ["-S", binary], "/");
        string line = nm.Stdout.Split('\n').Single(l => l.EndsWith(" " + function, StringComparison.Ordinal));
        return Convert.ToInt32(line.Split(' ')[1], 16);
    }
}
