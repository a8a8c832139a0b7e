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

    [Fact]
    public void A_SIGTERM_while_the_build_command_runs_ends_suture_with_130_and_kills_the_build_it_started()
    {
        using var directory = new TempDirectory();
        string source = directory.File("src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "foo.c"), "int main(void) { return 0; }\n");
        string deployed = directory.File("foo");
        Assert.Equal(0, Tool.Run("gcc", ["-o", deployed, Path.Combine(source, "foo.c")]).ExitCode);
        string fix = directory.File("fix.diff");
        File.WriteAllText(fix, "--- a/foo.c\n+++ b/foo.c\n@@ -1 +1 @@\n-int main(void) { return 0; }\n+int main(void) { return 1; }\n");
        string pidFile = directory.File("build.pid");

        // The build stands for make and its compilers: a child of the build command's shell that
        // would run for ten minutes if nothing killed it.
        using LaunchedSuture build = LaunchedSuture.Start("build", "--source", source, "--patch", fix,
            "--build", $"sleep 600 & echo $! > {pidFile}; wait", "--target", deployed, "-o", directory.File("foo.patch"));
        Wait.Until(() => build.HasEnded || (File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n')), TimeSpan.FromSeconds(60), "the build command starting");
        Assert.False(build.HasEnded, build.Output);
        int sleeper = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{sleeper}"), "the build's child is running");

        try
        {
            build.Send(LaunchedSuture.SigTerm);

            Assert.Equal("exit 130", build.WaitForEnd(TimeSpan.FromSeconds(10)));
            Wait.Until(() => Gone(sleeper), TimeSpan.FromSeconds(10), $"the build's child {sleeper} ending");
        }
        finally
        {
            if (!Gone(sleeper))
            {
                Tool.Run("kill", ["-KILL", sleeper.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
        }
    }

    private static bool Gone(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return true; // no such process any more
        }
    }
}
