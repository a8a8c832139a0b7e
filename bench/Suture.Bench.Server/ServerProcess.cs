using System.Globalization;
using SharedServer = Suture.TestSupport.ServerProcess;

namespace Suture.Bench.Server;

/// <summary>
/// The real suture-server (built beside the bench), its own process, through the server tests'
/// <see cref="SharedServer"/> (linked from tests/Suture.TestSupport): started, its pin read from its
/// first lines, stopped with SIGTERM; killed if it does not stop.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly SharedServer _process;

    private ServerProcess(SharedServer process, string pin)
    {
        _process = process;
        Pin = pin;
    }

    public string Pin { get; }

    public static async Task<ServerProcess> StartAsync(string[] settings, CancellationToken ct)
    {
        SharedServer process = SharedServer.Start(settings, line => Console.Error.WriteLine($"server: {line}"));
        try
        {
            ct.ThrowIfCancellationRequested();
            string line = await process.WaitForLineAsync(l => l.StartsWith("suture-server: certificate ", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
            return new ServerProcess(process, line.Split(' ')[2]);
        }
        catch (TimeoutException e)
        {
            process.Dispose();
            throw new BenchException($"suture-server exited or did not start within 3 minutes: {e.Message}");
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>The server's CPU time so far (user + system, /proc/PID/stat).</summary>
    public double CpuSeconds() => Cpu(_process.Pid) ?? 0;

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
        _process.Signal("TERM");
        int code = await _process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        if (code != 0)
        {
            throw new BenchException($"suture-server exited {code} on SIGTERM");
        }
    }

    public void Dispose() => _process.Dispose();
}
