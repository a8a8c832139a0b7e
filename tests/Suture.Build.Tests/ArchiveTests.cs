using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// Objects that reach the programs only through the static archive libutil.a (Makefile: foo by
/// <c>-L. -lutil</c>, bar by path; CMake: CMAKE_AR's archive by path): with both programs as
/// --targets, each changed object is bound through the archive to the program that contains it.
/// </summary>
public sealed class ArchiveTests
{
    private const string UtilOld = "printf(\"util unpatched\\n\");";
    private const string UtilNew = "printf(\"util %s\\n\", \"patched\");";
    private const string ExtraOld = "printf(\"extra unpatched\\n\");";
    private const string ExtraNew = "printf(\"extra %s\\n\", \"patched\");";
    private const string CMakeBuild = "cmake -S . -B build >/dev/null && cmake --build build >/dev/null";

    [Fact]
    public void A_fix_in_an_archived_object_patches_only_the_program_that_links_it()
    {
        using var project = new CProject("archive", "make -s");
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "util unpatched");
        string diff = project.Fix("util-fix", ("util.c", UtilOld, UtilNew));

        string output = project.File("foo.patch");
        ToolResult built = project.BuildPatch(diff, "make", output, ["foo", "bar"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.True(File.Exists(output), "only foo contains util.o: -o is one patch file");
        Assert.Contains("for foo", built.Stdout);
        Assert.DoesNotContain("for bar", built.Stdout);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), output);
        program.WaitForLine(l => l == "util patched", before);
    }

    [Fact]
    public void Fixes_in_two_archived_objects_give_each_program_its_own_patch()
    {
        using var project = new CProject("archive", "make -s");
        using RunningProgram foo = project.Start("foo");
        using RunningProgram bar = project.Start("bar");
        foo.WaitForLine(l => l == "util unpatched");
        bar.WaitForLine(l => l == "extra unpatched");
        string diff = project.Fix("both-fix", ("util.c", UtilOld, UtilNew), ("extra.c", ExtraOld, ExtraNew));

        string output = project.File("patches");
        ToolResult built = project.BuildPatch(diff, "make", output, ["foo", "bar"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Equal(["bar.patch", "foo.patch"], Directory.EnumerateFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        int fooBefore = foo.LineCount, barBefore = bar.LineCount;
        SutureCli.Succeed("apply", "-p", foo.Pid.ToString(), Path.Combine(output, "foo.patch"));
        SutureCli.Succeed("apply", "-p", bar.Pid.ToString(), Path.Combine(output, "bar.patch"));
        foo.WaitForLine(l => l == "util patched", fooBefore);
        bar.WaitForLine(l => l == "extra patched", barBefore);
    }

    [Fact]
    public void A_fix_in_an_object_cmake_archived_with_its_own_ar_patches_the_program()
    {
        using var project = new CProject("archive", CMakeBuild);
        using RunningProgram program = project.Start("build/foo");
        program.WaitForLine(l => l == "util unpatched");
        string diff = project.Fix("util-fix", ("util.c", UtilOld, UtilNew));

        string output = project.File("foo.patch");
        ToolResult built = project.BuildPatch(diff, CMakeBuild, output, ["build/foo", "build/bar"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("for foo", built.Stdout);
        Assert.DoesNotContain("for bar", built.Stdout);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), output);
        program.WaitForLine(l => l == "util patched", before);
    }
}
