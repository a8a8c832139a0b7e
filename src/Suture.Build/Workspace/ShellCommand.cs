using System.Diagnostics;
using System.Text;

namespace Suture.Build.Workspace;

/// <summary>Runs external programs (the build, patch, gcc) and captures their output.</summary>
internal static class ShellCommand
{
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

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (!process.WaitForExit(tickInterval ?? Timeout.InfiniteTimeSpan))
        {
            tick?.Invoke();
        }

        process.WaitForExit(); // drains the redirected output
        return (process.ExitCode, output.ToString());
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
