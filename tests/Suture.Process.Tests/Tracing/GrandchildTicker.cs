using Suture.TestSupport;

namespace Suture.Process.Tests.Tracing;

/// <summary>
/// The traced process of the tracer's tests: a grandchild of the test host, which reaps its own
/// children's wait statuses (ptrace stops included), so that a tracer thread sees the stops. Its
/// parent only waits for it; it prints its pid, then a tick every 5 ms.
/// </summary>
internal static class GrandchildTicker
{
    public const string Source = """
        #include <stdio.h>
        #include <sys/wait.h>
        #include <unistd.h>
        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            pid_t child = fork();
            if (child > 0) {
                int status;
                waitpid(child, &status, 0);
                return 0;
            }
            printf("pid %d\n", (int)getpid());
            for (unsigned long i = 0;; i++) {
                printf("tick %lu\n", i);
                usleep(5000);
            }
        }
        """;

    /// <summary>The grandchild's pid, once it printed it (and, with <paramref name="ticking"/>, its first tick).</summary>
    public static int Pid(RunningProgram program, bool ticking = false)
    {
        int line = program.WaitForLine(l => l.StartsWith("pid ", StringComparison.Ordinal));
        if (ticking)
        {
            program.WaitForLine(l => l.StartsWith("tick", StringComparison.Ordinal), line);
        }

        return int.Parse(program.Lines(line)[0][4..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
