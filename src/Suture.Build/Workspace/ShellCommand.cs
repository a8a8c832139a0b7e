using System.Diagnostics;
using System.Text;

namespace Suture.Build.Workspace;

/// <summary>
/// Runs external programs (the build, patch, gcc) and captures their output. A program still
/// running when suture exits (SIGINT or SIGTERM answered with exit 130, or any other exit) is
/// killed with everything it started: a package's build is make and compilers many levels deep,
/// and none of it may outlive the command that started it.
/// </summary>
internal static class ShellCommand
{
    private static readonly HashSet<System.Diagnostics.Process> Running = [];

    static ShellCommand() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillRunning();

    public static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string>? environment = null, TimeSpan? tickInterval = null, Action? tick = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new System.Diagnostics.Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SutureException($"cannot run {fileName}: {e.Message}; is it installed?", ExitCode.BuildFailed, e);
        }

        lock (Running)
        {
            Running.Add(process);
        }

        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            while (!process.WaitForExit(tickInterval ?? Timeout.InfiniteTimeSpan))
            {
                tick?.Invoke();
            }

            process.WaitForExit(); // drains the redirected output
            return (process.ExitCode, output.ToString());
        }
        finally
        {
            lock (Running)
            {
                Running.Remove(process);
            }
        }
    }

    /// <summary>Kills every program still running, with its descendants.</summary>
    internal static void KillRunning()
    {
        System.Diagnostics.Process[] running;
        lock (Running)
        {
            running = [.. Running];
        }

        foreach (System.Diagnostics.Process process in running)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // exited meanwhile, or a descendant could not be signalled: nothing more to do
            }
        }
    }

    public static string Tail(string output, int lines = 15)
    {
        string[] all = output.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
