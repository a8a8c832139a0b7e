using System.Diagnostics;

namespace Suture.TestSupport;

/// <summary>
/// The real <c>suture-server</c> program (the build beside the tests, run by <c>dotnet</c>) as its own
/// process: its output lines, its exit code, signals sent to it. Killed at dispose if still running.
/// The server tests use it, and the check-in benchmark (bench/Suture.Bench.Server) links this file.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly List<string> _lines = [];

    private ServerProcess(System.Diagnostics.Process process) => _process = process;

    public int Pid => _process.Id;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    public static ServerProcess Start(params string[] arguments) => Start(arguments, errorLine: null);

    /// <param name="errorLine">Called with each line the server writes to stderr, as it comes (besides <see cref="Lines"/>).</param>
    public static ServerProcess Start(IReadOnlyList<string> arguments, Action<string>? errorLine)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "suture-server.dll"));
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = new System.Diagnostics.Process { StartInfo = start };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Add(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            server.Add(e.Data);
            if (e.Data is { Length: > 0 } line)
            {
                errorLine?.Invoke(line);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Runs a command of the program to its end (at most 3 minutes): exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        using ServerProcess p = Start(arguments);
        int code = await p.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (code, p.Output);
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited || clock.Elapsed > timeout)
            {
                await Task.Delay(100); // the last lines of an exited process
                return Lines.FirstOrDefault(match)
                    ?? throw new TimeoutException($"suture-server did not print the expected line within {timeout.TotalSeconds} s (exited: {_process.HasExited}):\n{Output}");
            }

            await Task.Delay(20);
        }
    }

    public void Signal(string name)
    {
        using var kill = System.Diagnostics.Process.Start(new ProcessStartInfo("kill", ["-" + name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{name} {Pid} exited {kill.ExitCode}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"suture-server did not exit within {timeout.TotalSeconds} s:\n{Output}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}
