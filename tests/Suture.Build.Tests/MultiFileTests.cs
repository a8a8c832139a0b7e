using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>A Makefile project of several files where the fix changes a static function whose name another file also uses.</summary>
public sealed class MultiFileTests
{
    [Fact]
    public void Same_named_static_functions_in_two_files_are_each_redirected_to_their_own_fix()
    {
        using var project = new CProject("multifile", "make -s");
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "a-old b-old");
        string diff = project.Fix("fix", ("a.c", "\"a-old\"", "\"a-new\""), ("b.c", "\"b-old\"", "\"b-new\""));

        ToolResult built = project.BuildPatch(diff, "make", project.File("foo.patch"), ["foo"], "--id", "two-files");
        Assert.True(built.ExitCode == 0, built.ToString());
        ToolResult inspect = SutureCli.Succeed("inspect", project.File("foo.patch"), "--json");
        Assert.Equal(2, inspect.Stdout.Split("\"describe\"").Length - 1);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForSteady("a-new b-new", 4, before);
    }

    [Fact]
    public void Only_the_file_the_fix_touches_is_redirected_when_its_static_name_is_shared()
    {
        using var project = new CProject("multifile", "make -s");
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "a-old b-old");
        string diff = project.Fix("fix", ("b.c", "\"b-old\"", "\"b-fixed\""));

        ToolResult built = project.BuildPatch(diff, "make", project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForSteady("a-old b-fixed", 4, before);
    }
}
