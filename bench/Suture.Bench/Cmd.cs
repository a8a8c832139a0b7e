using System.Diagnostics;
using System.Globalization;

namespace Suture.Bench;

/// <summary>The outcome of one command: exit code, output, and its wall time.</summary>
internal sealed record CmdResult(string Command, int ExitCode, string Stdout, string Stderr, double Ms)
{
    public CmdResult Check()
    {
        return ExitCode == 0
            ? this
            : throw new BenchException($"`{Command}` exited with {ExitCode}: {Stderr.Trim()} {Stdout.Trim()}".Trim());
    }
}

/// <summary>Runs commands with a deadline, killing them if they overrun.</summary>
internal static class Cmd
{
    /// <summary>Path of bench/targets/timed.c built: runs a command and reports its wall time.</summary>
    public static string? TimedHelper { get; set; }

    public static CmdResult Run(string file, IReadOnlyList<string> args, string? cwd = null, double timeoutSeconds = 300)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = cwd ?? Environment.CurrentDirectory,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        string text = string.Join(' ', new[] { file }.Concat(args));
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(info) ?? throw new BenchException($"cannot start {file}");
        int pid = process.Id;
        Reaper.Track(pid);
        try
        {
            process.StandardInput.Close();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new BenchException($"`{text}` did not finish within {timeoutSeconds} s (killed)");
            }

            process.WaitForExit();
            double ms = clock.Elapsed.TotalMilliseconds;
            return new CmdResult(text, process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult(), ms);
        }
        finally
        {
            Reaper.Forget(pid);
        }
    }

    /// <summary>
    /// Runs a command under the timed helper (fork+exec+wait, as a shell runs it) and returns the
    /// helper's measurement, which excludes the harness's own process-start machinery.
    /// </summary>
    public static CmdResult Timed(string file, IReadOnlyList<string> args, string? cwd = null, double timeoutSeconds = 300)
    {
        string helper = TimedHelper ?? throw new InvalidOperationException("timed helper not built");
        CmdResult raw = Run(helper, [file, .. args], cwd, timeoutSeconds);
        int at = raw.Stderr.LastIndexOf("\ntimed: ", StringComparison.Ordinal);
        if (raw.ExitCode != 0 || at < 0)
        {
            throw new BenchException($"timed helper failed for `{file}`: {raw.Stderr.Trim()}");
        }

        string[] fields = raw.Stderr[(at + 8)..].Trim().Split(' ');
        double ms = long.Parse(fields[0], CultureInfo.InvariantCulture) / 1e6;
        int code = int.Parse(fields[1], CultureInfo.InvariantCulture);
        return new CmdResult(string.Join(' ', new[] { file }.Concat(args)), code, raw.Stdout, raw.Stderr[..at], ms);
    }

    /// <summary>Runs a shell command line (for build commands), checked.</summary>
    public static CmdResult Shell(string commandLine, string cwd) => Run("/bin/sh", ["-c", commandLine], cwd).Check();
}
