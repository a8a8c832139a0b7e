using System.Diagnostics;
using System.Text;

namespace Suture.Agent.Tests;

/// <summary><c>suture agent run</c> as a process of its own, its stderr collected; killed on dispose.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _output = new();

    private AgentProcess(System.Diagnostics.Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static AgentProcess Start(AgentHost host)
    {
        // SutureCli's static constructor sets the trust and state variables the agent inherits.
        var start = new ProcessStartInfo(TestSupport.SutureCli.Path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "agent", "run", "--config", host.Config })
        {
            start.ArgumentList.Add(a);
        }

        var process = System.Diagnostics.Process.Start(start)!;
        var agent = new AgentProcess(process);
        process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        TestSupport.Wait.Until(() => agent.Output.Contains("suture agent: started", StringComparison.Ordinal) || process.HasExited, TimeSpan.FromSeconds(60), "the agent's start");
        Assert.False(process.HasExited, agent.Output);
        return agent;
    }

    /// <summary>SIGTERM, then waits for the exit (failing after a minute).</summary>
    public void Terminate()
    {
        Assert.Equal(0, Native.Kill(_process.Id, Native.SIGTERM));
        Assert.True(_process.WaitForExit(60_000), "the agent did not end within 60 s of SIGTERM: " + Output);
        _process.WaitForExit();
    }

    /// <summary>SIGHUP: the agent checks in (or reads its store) now.</summary>
    public void CheckInNow() => Assert.Equal(0, Native.Kill(_process.Id, Native.SIGHUP));

    public void KillHard()
    {
        Assert.Equal(0, Native.Kill(_process.Id, Native.SIGKILL));
        Assert.True(_process.WaitForExit(60_000), "SIGKILLed agent still there");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}

internal static partial class Native
{
    public const int SIGHUP = 1;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
