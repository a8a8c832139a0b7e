using System.Globalization;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// The stack check walks through new code with the patch's own unwind table
/// (TestTargets/through): a worker thread parked for good inside a patched function does not keep
/// a later patch of another function from being applied.
/// </summary>
public sealed class UnwindThroughPatchTests
{
    [Fact]
    public void A_thread_parked_in_new_code_is_walked_through_and_does_not_block_the_next_patch()
    {
        using var project = new MakeProject("through");
        string park = project.BuildPatch("main.c", "parks++;", "printf(\"parked for good\\n\");\n    for (;;)\n        sleep(1000);", "foo", "park");
        string library = project.BuildPatch("lib.c", "printf(\"library unpatched\\n\");", "printf(\"library %s\\n\", \"patched\");", "libfoo.so", "lib-fix");
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == LibraryProject.LibraryOld);
        string pid = program.Pid.ToString(CultureInfo.InvariantCulture);

        SutureCli.Succeed("apply", "-p", pid, park);
        program.WaitForLine(l => l == "parked for good");

        // The worker now sleeps inside the new code of "park": its stack passes through it.
        string check = SutureCli.Succeed("status", "-p", pid, "--check", library).Stdout;
        Assert.Contains("threads (0 of 2 would block the patch now)", check);
        SutureCli.Succeed("apply", "-p", pid, "--timeout", "3", library);
        program.WaitForLine(l => l == LibraryProject.LibraryNew, program.LineCount);

        // Reverting "park" must wait for the worker, which never leaves it: refused, process unharmed.
        ToolResult revert = SutureCli.Run(["revert", "-p", pid, "--id", "park", "--timeout", "1"]);
        Assert.Equal(9, revert.ExitCode);
        Assert.Contains("park", revert.Stderr);
        program.WaitForLine(l => l == LibraryProject.LibraryNew, program.LineCount);
    }
}
