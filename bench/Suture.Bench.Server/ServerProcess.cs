using System.Diagnostics;
using System.Globalization;

namespace Suture.Bench.Server;

/// <summary>The real suture-server (built beside the bench), its own process; killed if it does not stop.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string pin)
    {
        _process = process;
        Pin = pin;
    }

    public string Pin { get; }

    public static async Task<ServerProcess> StartAsync(string[] settings, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "suture-server.dll"));
        foreach (string s in settings)
        {
            start.ArgumentList.Add(s);
        }

        var pin = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("suture-server: certificate ", StringComparison.Ordinal))
            {
                pin.TrySetResult(line.Split(' ')[2]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"server: {line}");
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, "");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            Task exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(pin.Task, exited) != pin.Task)
            {
                throw new BenchException($"suture-server exited ({(process.HasExited ? process.ExitCode : -1)}) or did not start within 3 minutes");
            }

            return new ServerProcess(process, await pin.Task);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The server's CPU time so far (user + system, /proc/PID/stat).</summary>
    public double CpuSeconds() => Cpu(_process.Id) ?? 0;

    /// <summary>
    /// CPU time of a process and its children (PostgreSQL's postmaster and its backends), so far;
    /// a child that exits meanwhile takes its share along (the bench's pooled connections stay).
    /// </summary>
    public static double TreeCpuSeconds(int pid)
    {
        double total = Cpu(pid) ?? 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out int child) && child != pid && Parent(child) == pid)
            {
                total += Cpu(child) ?? 0;
            }
        }

        return total;
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
    }

    private static double? Cpu(int pid) => Stat(pid) is { } f
        ? (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / 100.0
        : null;

    private static int? Parent(int pid) => Stat(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : null;

    /// <summary>SIGTERM, as systemd stops it; the server must exit 0.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        if (_process.ExitCode != 0)
        {
            throw new BenchException($"suture-server exited {_process.ExitCode} on SIGTERM");
        }
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
}
