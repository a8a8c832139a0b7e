using System.Globalization;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// C++ exceptions thrown through a patched function (TestTargets/exceptions): the unwinder must
/// find the new code's unwind information, run its cleanups and reach the caller's handler.
/// Without it the runtime calls std::terminate and the process dies.
/// </summary>
public sealed class ExceptionTests
{
    private const string OldBody = "std::printf(\"i'm unpatched!\\n\");";
    private const string NewBody = "Cleanup guard{\"patched\"};\n    std::printf(\"you patched my tralala\\n\");";

    [Fact]
    public void An_exception_crosses_the_patched_function_and_runs_its_cleanup()
    {
        using var project = new MakeProject("exceptions");
        string patch = project.BuildPatch("main.cpp", OldBody, NewBody, "foo", "cpp-fix");
        Assert.Matches(@"unwind: +\d+ bytes of \.eh_frame for the new code", SutureCli.Succeed("inspect", patch).Stdout);
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "caught even");
        string pid = program.Pid.ToString(CultureInfo.InvariantCulture);

        SutureCli.Succeed("apply", "-p", pid, patch);
        int patched = program.WaitForLine(l => l == SeedProject.NewLine);
        int caught = program.WaitForLine(l => l == "caught even", patched);
        program.WaitForLine(l => l.StartsWith("returned ", StringComparison.Ordinal), caught);
        program.WaitForLine(l => l == "caught even", caught + 1);
        Assert.False(program.HasExited);

        // After an exception left the new code: the line, the cleanup while unwinding, the handler.
        IReadOnlyList<string> lines = program.Lines(patched);
        int index = lines.ToList().IndexOf("caught even");
        Assert.True(index >= 2, string.Join('\n', lines));
        Assert.Equal(["you patched my tralala", "cleanup patched", "caught even"], lines.Skip(index - 2).Take(3));

        SutureCli.Succeed("revert", "-p", pid);
        int back = program.WaitForLine(l => l == SeedProject.OldLine, program.LineCount + 1);
        program.WaitForLine(l => l == "caught even", back);
        Assert.False(program.HasExited);
    }

    [Fact]
    public void Exceptions_thrown_all_the_time_in_another_thread_survive_apply_and_revert()
    {
        using var project = new MakeProject("thrower");
        // The fix makes odd numbers throw instead of even ones: the counts keep growing either way.
        string patch = project.BuildPatch("main.cpp", "    thrower(i);\n    return i;", "    thrower(i + 1);\n    return i;", "foo", "thrower-fix");
        using RunningProgram program = project.Start("foo");
        long start = Caught(program, program.WaitForLine(l => Caught(l) > 100));
        string pid = program.Pid.ToString(CultureInfo.InvariantCulture);

        for (int round = 0; round < 3; round++)
        {
            SutureCli.Succeed("apply", "-p", pid, "--timeout", "30", patch);
            long applied = Caught(program, program.LineCount - 1);
            program.WaitForLine(l => Caught(l) > applied + 200, program.LineCount);
            SutureCli.Succeed("revert", "-p", pid, "--timeout", "30");
            long reverted = Caught(program, program.LineCount - 1);
            program.WaitForLine(l => Caught(l) > reverted + 200, program.LineCount);
        }

        Assert.False(program.HasExited);
        Assert.True(Caught(program, program.LineCount - 1) > start);
    }

    private static long Caught(RunningProgram program, int index) => Caught(program.Lines(index)[0]);

    private static long Caught(string line) =>
        line.StartsWith("caught ", StringComparison.Ordinal) ? long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) : -1;
}
