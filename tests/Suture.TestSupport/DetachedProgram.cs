using System.Diagnostics;
using System.Text;

namespace Suture.TestSupport;

/// <summary>
/// A test target that is not a child of the test host: started by a /bin/sh that puts it in the
/// background and exits, so it is reparented to init (or the nearest subreaper). .NET reaps its
/// own children from its SIGCHLD handler with waitpid(pid), which takes the ptrace stops of a
/// child traced by code in the same process; a detached target's stops reach only its tracer.
/// Its standard output and error go to a file, read line by line as they come; killed on dispose,
/// whatever the test did. Same waiting API as <see cref="RunningProgram"/>.
/// </summary>
public sealed class DetachedProgram : IProgramOutput, IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private readonly TempDirectory _directory;
    private readonly string _output;
    private readonly string _startTime;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _partial = new();
    private long _offset;

    private DetachedProgram(TempDirectory directory, string output, int pid, string startTime)
    {
        _directory = directory;
        _output = output;
        Pid = pid;
        _startTime = startTime;
    }

    public int Pid { get; }

    /// <summary>True once the process is gone or a zombie (or its pid names another process).</summary>
    public bool HasExited
    {
        get
        {
            string? stat = ReadStat(Pid);
            return stat is null || StartTime(stat) != _startTime || State(stat) is 'Z' or 'X';
        }
    }

    public int LineCount
    {
        get
        {
            ReadNew();
            return _lines.Count;
        }
    }

    public static DetachedProgram Start(string path, params string[] arguments)
    {
        var directory = new TempDirectory();
        try
        {
            string output = directory.File("output");
            var info = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetDirectoryName(path)!,
            };
            // $0 is the output file, $1 the program; a simple background command is forked and
            // exec'd directly, so $! is the program's own pid.
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("out=$0; prog=$1; shift; \"$prog\" \"$@\" >\"$out\" 2>&1 </dev/null & echo $!");
            info.ArgumentList.Add(output);
            info.ArgumentList.Add(path);
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var shell = Process.Start(info)!;
            string printed = shell.StandardOutput.ReadToEnd();
            string errors = shell.StandardError.ReadToEnd();
            if (!shell.WaitForExit(30_000))
            {
                shell.Kill();
                throw new TimeoutException($"/bin/sh starting {path} did not exit within 30 s");
            }

            if (shell.ExitCode != 0 || !int.TryParse(printed.Trim(), out int pid) || pid <= 0)
            {
                throw new InvalidOperationException($"/bin/sh could not start {path} (exit {shell.ExitCode}): {printed}{errors}");
            }

            // The child execs the program a moment after the fork: wait until the pid runs it.
            string full = Path.GetFullPath(path);
            Wait.Until(() => Executable(pid) == full || ReadStat(pid) is null, TimeSpan.FromSeconds(30), $"process {pid} to exec {path}");
            string stat = ReadStat(pid) ?? throw new InvalidOperationException($"{path} (process {pid}) exited at once; its output: {File.ReadAllText(output)}");
            return new DetachedProgram(directory, output, pid, StartTime(stat));
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> Lines(int from = 0)
    {
        ReadNew();
        return _lines.Skip(from).ToList();
    }

    /// <summary>Waits until a line at index &gt;= <paramref name="from"/> satisfies <paramref name="match"/>; returns its index.</summary>
    public int WaitForLine(Func<string, bool> match, int from = 0, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(20);
        while (true)
        {
            bool exited = HasExited;
            ReadNew();
            for (int i = from; i < _lines.Count; i++)
            {
                if (match(_lines[i]))
                {
                    return i;
                }
            }

            if (deadline.Elapsed > limit || exited)
            {
                throw new TimeoutException($"process {Pid} printed no matching line in {limit.TotalSeconds} s (exited: {exited}); its output from line {from}:\n{string.Join('\n', _lines.Skip(from).TakeLast(20))}");
            }

            Thread.Sleep(Poll);
        }
    }

    public void Dispose()
    {
        Kill();
        _directory.Dispose();
    }

    /// <summary>Kills the program with SIGKILL (if it still runs) and waits until it is gone.</summary>
    public void Kill()
    {
        try
        {
            if (!HasExited)
            {
                // Checked against the start time just above: the pid is still this program.
                using var process = Process.GetProcessById(Pid);
                process.Kill();
                Wait.Until(() => HasExited, TimeSpan.FromSeconds(10), $"process {Pid} to die");
            }
        }
        catch (ArgumentException)
        {
            // gone already
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void ReadNew()
    {
        using var stream = new FileStream(_output, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(_offset, SeekOrigin.Begin);
        byte[] buffer = new byte[8192];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            _offset += read;
            _partial.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        string text = _partial.ToString();
        int end = text.LastIndexOf('\n');
        if (end < 0)
        {
            return;
        }

        _lines.AddRange(text[..end].Split('\n'));
        _partial.Clear().Append(text[(end + 1)..]);
    }

    private static string? Executable(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadStat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
    }

    // /proc/PID/stat: "pid (comm) state ..." with comm possibly holding spaces; fields after ')'.
    private static char State(string stat) => stat[stat.LastIndexOf(')') + 2];

    private static string StartTime(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
}
