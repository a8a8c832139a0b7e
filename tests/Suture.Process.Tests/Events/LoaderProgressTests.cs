using Suture.Process.Events;
using Suture.TestSupport;

namespace Suture.Process.Tests.Events;

/// <summary>The start-up probe on real programs: loaded once ld.so is done (dynamic), at once (static), gone after exit.</summary>
public sealed class LoaderProgressTests
{
    private const string Source = """
        #include <stdio.h>
        #include <unistd.h>
        int main(void) { printf("main\n"); fflush(stdout); for (;;) pause(); }
        """;

    [Theory]
    [InlineData("-O0")]
    [InlineData("-static")]
    public void A_running_program_has_loaded_its_libraries(string flag)
    {
        using var directory = new TempDirectory();
        string program = Gcc.Compile(Source, directory.File("probe"), flag);
        using var running = RunningProgram.Start(program);
        running.WaitForLine(l => l == "main");

        Assert.Equal(StartupState.Loaded, LoaderProgress.Probe(running.Pid));
    }

    [Fact]
    public void A_process_that_is_gone_is_gone()
    {
        using var directory = new TempDirectory();
        string program = Gcc.Compile("int main(void) { return 0; }", directory.File("quick"), "-O0");
        using var process = System.Diagnostics.Process.Start(program);
        int pid = process.Id;
        Assert.True(process.WaitForExit(30_000));
        process.Dispose();

        Wait.Until(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(30), $"process {pid} to be reaped");
        Assert.Equal(StartupState.Gone, LoaderProgress.Probe(pid));
    }
}
