using System.Diagnostics;
using System.Text;

namespace Suture.Bench;

/// <summary>A benchmark target process; disposing it kills it (and its group, for a herd).</summary>
internal sealed class Target : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder errors = new();
    private readonly bool group;

    private Target(string exe, IReadOnlyList<string> args, bool group)
    {
        this.group = group;
        Name = Path.GetFileName(exe);
        var info = new ProcessStartInfo(exe)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = group,
            RedirectStandardInput = true,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        process = Process.Start(info) ?? throw new BenchException($"cannot start {exe}");
        Pid = process.Id;
        if (group)
        {
            Reaper.Track(-Pid);
        }

        Reaper.Track(Pid);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
    }

    public int Pid { get; }

    public string Name { get; }

    public bool HasExited => process.HasExited;

    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString().Trim();
            }
        }
    }

    public static Target Start(string exe, params string[] args) => new(exe, args, group: false);

    /// <summary>Starts bench/targets/herd.c: COUNT copies of a program in the herd's process group.</summary>
    public static Target StartHerd(string herd, int count, string program)
    {
        var target = new Target(herd, [count.ToString(System.Globalization.CultureInfo.InvariantCulture), program], group: true);
        try
        {
            Task<string?> line = target.process.StandardOutput.ReadLineAsync();
            if (!line.Wait(TimeSpan.FromSeconds(120)) || line.Result is not string ready || !ready.StartsWith("ready", StringComparison.Ordinal))
            {
                throw new BenchException($"herd of {count} {Path.GetFileName(program)} did not start: {target.Errors}");
            }
        }
        catch
        {
            target.Dispose();
            throw;
        }

        return target;
    }

    public void Dispose()
    {
        if (group)
        {
            // The herd kills and reaps its members on SIGTERM (init here does not reap orphans);
            // only if it does not answer is the whole group killed.
            _ = Native.Kill(Pid, Native.SigTerm);
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                _ = Native.Kill(-Pid, Native.SigKill);
            }

            Reaper.Forget(-Pid);
        }

        _ = Native.Kill(Pid, Native.SigKill);
        process.WaitForExit(TimeSpan.FromSeconds(10));
        Reaper.Forget(Pid);
        process.Dispose();
    }
}
