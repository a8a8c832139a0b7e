using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>Several --target binaries: a patch is built for each output the fix changes, matched by file name.</summary>
public sealed class TargetTests
{
    private const string LibraryOld = "printf(\"library unpatched\\n\");";
    private const string LibraryNew = "printf(\"library %s\\n\", \"patched\");";
    private const string MainOld = "printf(\"i'm unpatched!\\n\");";
    private const string MainNew = "printf(\"main %s\\n\", \"patched\");";

    [Fact]
    public void A_fix_in_the_library_gives_only_a_library_patch_that_works_live()
    {
        using var project = new CProject("library", "make -s");
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "library unpatched");
        string diff = project.Fix("lib-fix", ("lib.c", LibraryOld, LibraryNew));

        string output = project.File("out.patch");
        ToolResult built = project.BuildPatch(diff, "make", output, ["foo", "libfoo.so"], "--id", "lib-fix");

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.True(File.Exists(output), "one changed output: -o is the patch file");
        Assert.Contains("for libfoo.so", built.Stdout);
        Assert.Single(built.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("wrote ", StringComparison.Ordinal));
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), output);
        program.WaitForLine(l => l == "library patched", before);
        int now = program.LineCount;
        program.WaitForLine(l => l == "i'm unpatched!", now);
    }

    [Fact]
    public void A_fix_in_both_gives_one_patch_per_target_in_the_output_directory()
    {
        using var project = new CProject("library", "make -s");
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "library unpatched");
        string diff = project.Fix("both-fix", ("lib.c", LibraryOld, LibraryNew), ("main.c", MainOld, MainNew));

        string output = project.File("patches");
        ToolResult built = project.BuildPatch(diff, "make", output, ["foo", "libfoo.so"], "--id", "both");

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Equal(["foo.patch", "libfoo.so.patch"], Directory.EnumerateFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("both-libfoo.so", SutureCli.Succeed("inspect", Path.Combine(output, "libfoo.so.patch")).Stdout);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), Path.Combine(output, "libfoo.so.patch"));
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), Path.Combine(output, "foo.patch"));
        int first = program.WaitForLine(l => l == "main patched", before);
        program.WaitForLine(l => l == "library patched", first);
    }

    [Fact]
    public void A_changed_output_no_target_names_is_reported()
    {
        using var project = new CProject("library", "make -s");
        string diff = project.Fix("lib-fix", ("lib.c", LibraryOld, LibraryNew));

        ToolResult built = project.BuildPatch(diff, "make", project.File("x.patch"), ["foo"]);

        Assert.Equal(2, built.ExitCode);
        Assert.Contains("libfoo.so", built.Stderr);
        Assert.Contains("no --target is named like it", built.Stderr);
    }
}
