using System.Diagnostics;

namespace Suture.TestSupport;

/// <summary>
/// A test target started from a compiled program, its output lines collected as they come.
/// Killed on dispose, whatever the test did.
/// </summary>
public sealed class RunningProgram : IProgramOutput, IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();

    private RunningProgram(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int LineCount
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    public static RunningProgram Start(string path, params string[] arguments)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var program = new RunningProgram(process);
        process.OutputDataReceived += (_, e) => program.Add(e.Data);
        process.ErrorDataReceived += (_, e) => program.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    public IReadOnlyList<string> Lines(int from = 0)
    {
        lock (_gate)
        {
            return _lines.Skip(from).ToList();
        }
    }

    /// <summary>Waits until a line at index &gt;= <paramref name="from"/> satisfies <paramref name="match"/>; returns its index.</summary>
    public int WaitForLine(Func<string, bool> match, int from = 0, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(20);
        lock (_gate)
        {
            while (true)
            {
                for (int i = from; i < _lines.Count; i++)
                {
                    if (match(_lines[i]))
                    {
                        return i;
                    }
                }

                TimeSpan left = limit - deadline.Elapsed;
                if (left <= TimeSpan.Zero || _process.HasExited && from >= _lines.Count)
                {
                    throw new TimeoutException($"process {Pid} printed no matching line in {limit.TotalSeconds} s (exited: {_process.HasExited}); its output from line {from}:\n{string.Join('\n', _lines.Skip(from).TakeLast(20))}");
                }

                Monitor.Wait(_gate, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        lock (_gate)
        {
            if (line is not null)
            {
                _lines.Add(line);
            }

            Monitor.PulseAll(_gate);
        }
    }
}
