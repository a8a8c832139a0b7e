using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>SIGINT and SIGTERM before suture touches any process: it ends at once with 130, the target untouched.</summary>
public sealed class SignalTests
{
    [Fact]
    public void A_signal_while_suture_waits_for_its_patch_file_ends_it_at_once_with_130()
    {
        using var project = new SeedProject(TestTargets.Looper, "gcc -o foo foo.c");
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        using var directory = new TempDirectory();
        string fifo = directory.File("patch.fifo");
        Assert.Equal(0, Tool.Run("mkfifo", [fifo]).ExitCode);

        using LaunchedSuture apply = LaunchedSuture.Start("apply", "-p", program.Pid.ToString(), fifo);
        Wait.Until(() => apply.HasEnded || apply.MainThreadWaitsIn("wait_for_partner"), TimeSpan.FromSeconds(30), "suture opening the FIFO"); // in Main: the runtime starting up may open it from another thread first
        if (!apply.HasEnded)
        {
            apply.Send(LaunchedSuture.SigInt);
        }

        // Refusing a FIFO outright is as good; hanging or dying by the signal is not.
        string end = apply.WaitForEnd(TimeSpan.FromSeconds(5));
        Assert.True(end.StartsWith("exit ", StringComparison.Ordinal) && end != "exit 0", $"{end}\n{apply.Output}");
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", program.Pid.ToString()).Stdout);
    }
}
