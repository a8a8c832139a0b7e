using System.Globalization;
using System.Runtime.InteropServices;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// A suture command running in the background, started through TestTargets/launcher.c (SIGINT and
/// SIGTERM at their default action, as from a terminal), so a test can signal it and tell an exit
/// with 130 from death by a signal. Killed on dispose.
/// </summary>
internal sealed partial class LaunchedSuture : IDisposable
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    private static readonly Lazy<string> Launcher = new(() => Gcc.Compile(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestTargets", "launcher.c")),
        Path.Combine(Directory.CreateTempSubdirectory("suture-launcher-").FullName, "launcher")));

    private readonly RunningProgram _program;

    private LaunchedSuture(RunningProgram program, int pid)
    {
        _program = program;
        Pid = pid;
    }

    /// <summary>The pid of suture itself (below strace when it runs under strace).</summary>
    public int Pid { get; }

    public string Output => string.Join('\n', _program.Lines());

    /// <summary>Starts <c>suture <paramref name="arguments"/></c>, under the command in <paramref name="wrapper"/> (e.g. strace) if given.</summary>
    public static LaunchedSuture Start(string[] wrapper, params string[] arguments)
    {
        RunningProgram program = RunningProgram.Start(Launcher.Value, [.. wrapper, SutureCli.Path, .. arguments]);
        try
        {
            int line = program.WaitForLine(l => l.StartsWith("launched ", StringComparison.Ordinal));
            int pid = int.Parse(program.Lines(line)[0]["launched ".Length..], CultureInfo.InvariantCulture);
            return new LaunchedSuture(program, wrapper.Length == 0 ? pid : ChildOf(pid));
        }
        catch
        {
            program.Dispose();
            throw;
        }
    }

    public static LaunchedSuture Start(params string[] arguments) => Start([], arguments);

    /// <summary>Whether suture's main thread waits in the kernel function <paramref name="wchan"/> (/proc/PID/task/PID/wchan).</summary>
    public bool MainThreadWaitsIn(string wchan)
    {
        try
        {
            return File.ReadAllText($"/proc/{Pid}/task/{Pid}/wchan") == wchan;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Send(int signal) => Assert.Equal(0, Kill(Pid, signal));

    /// <summary>Waits for suture to end; "exit N" or "signal N".</summary>
    public string WaitForEnd(TimeSpan timeout)
    {
        int line = _program.WaitForLine(l => l.StartsWith("ended ", StringComparison.Ordinal), 0, timeout);
        string end = _program.Lines(line)[0];
        return end.StartsWith("ended by signal ", StringComparison.Ordinal) ? "signal " + end[16..] : "exit " + end["ended with exit code ".Length..];
    }

    public bool HasEnded => _program.Lines().Any(l => l.StartsWith("ended ", StringComparison.Ordinal));

    public void Dispose() => _program.Dispose();

    /// <summary>Number of threads of <paramref name="pid"/> held in a ptrace stop (state t).</summary>
    public static int StoppedThreads(int pid) => !Directory.Exists($"/proc/{pid}/task") ? 0 : Directory.GetDirectories($"/proc/{pid}/task").Count(task =>
    {
        try
        {
            string stat = File.ReadAllText(Path.Combine(task, "stat"));
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('t');
        }
        catch (IOException)
        {
            return false;
        }
    });

    /// <summary>The child of <paramref name="pid"/> that runs suture (strace also forks short-lived children of its own).</summary>
    private static int ChildOf(int pid)
    {
        int child = 0;
        Wait.Until(
            () =>
            {
                string[] children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                child = children.Select(c => int.Parse(c, CultureInfo.InvariantCulture)).FirstOrDefault(RunsSuture);
                return child != 0;
            },
            TimeSpan.FromSeconds(20),
            $"suture started by process {pid}");
        return child;
    }

    private static bool RunsSuture(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0] == SutureCli.Path;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
