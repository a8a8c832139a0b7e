using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>A CMake project (a shared library and an executable) built through the wrappers via CC.</summary>
public sealed class CMakeTests
{
    private const string Build = "cmake -S . -B build >/dev/null && cmake --build build >/dev/null";

    [Fact]
    public void A_fix_in_the_cmake_built_library_patches_the_running_program()
    {
        using var project = new CProject("cmake", Build);
        using RunningProgram program = project.Start("build/foo");
        program.WaitForLine(l => l.StartsWith("cmake unpatched", StringComparison.Ordinal));
        string diff = project.Fix("fix", ("greet.c", "\"cmake unpatched %d\\n\"", "\"cmake patched %d\\n\""));

        ToolResult built = project.BuildPatch(diff, Build, project.File("greet.patch"), ["build/foo", "build/libgreet.so"]);
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("for libgreet.so", built.Stdout);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("greet.patch"));
        program.WaitForLine(l => l.StartsWith("cmake patched", StringComparison.Ordinal), before);
    }
}
