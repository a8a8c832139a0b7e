using System.Net;
using System.Net.Sockets;

namespace Suture.Server.Tests;

/// <summary>The real program stops cleanly on SIGTERM (systemd's stop) and SIGINT: exit 0, not 143.</summary>
public sealed class ServerLifecycleTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_signal_stops_the_serving_server_cleanly_with_exit_0(string signal)
    {
        using var data = new Suture.TestSupport.TempDirectory("suture-server");
        using ServerProcess server = ServerProcess.Start(
            $"--Suture:DataDirectory={data.Path}", "--Suture:Listen=http://127.0.0.1:0", "--Suture:AllowPlainHttp=true");
        string listening = await server.WaitForLineAsync(l => l.StartsWith("suture-server: listening on ", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        using var client = new HttpClient { BaseAddress = new Uri(listening["suture-server: listening on ".Length..]), Timeout = TimeSpan.FromSeconds(60) };
        Assert.Equal("ready\n", await client.GetStringAsync("/readyz"));

        if (signal == "INT" && SigIntIgnored())
        {
            // Started as a background job of a non-interactive shell (CI=true bash .ci/run &):
            // POSIX has such jobs ignore SIGINT, the ignore is inherited across exec, and the
            // runtime keeps an inherited ignore, as a daemon must. SIGTERM stops it then.
            signal = "TERM";
        }

        server.Signal(signal);

        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("suture-server: stopped", server.Lines);
    }

    /// <summary>Whether this test process ignores SIGINT, which the server it starts inherits.</summary>
    private static bool SigIntIgnored()
    {
        const ulong SigInt = 1UL << (2 - 1);
        return Suture.Process.Tracing.ProcStatus.ReadProcess(Environment.ProcessId) is { } status && (status.Mask("SigIgn") & SigInt) != 0;
    }

    [Fact]
    public async Task SIGTERM_during_start_up_stops_the_server_cleanly_with_exit_0()
    {
        // A "database server" that accepts the connection and never answers: the server is held
        // in its start-up (migrations) until the signal comes.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        Task<Socket> accepted = silent.AcceptSocketAsync();
        using var data = new Suture.TestSupport.TempDirectory("suture-server");
        using ServerProcess server = ServerProcess.Start(
            $"--Suture:DataDirectory={data.Path}", "--Suture:Listen=http://127.0.0.1:0", "--Suture:AllowPlainHttp=true",
            "--Suture:Database:Provider=postgresql",
            $"--Suture:Database:ConnectionString=Host=127.0.0.1;Port={port};Username=suture;Database=suture;SSL Mode=Disable;Timeout=600;Command Timeout=600");
        Task done = await Task.WhenAny(accepted, Task.Delay(TimeSpan.FromMinutes(2)));
        Assert.True(done == accepted, $"the server did not connect to the database within 2 minutes:\n{server.Output}");
        using Socket connection = await accepted;

        server.Signal("TERM");

        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("suture-server: stopped by a signal before it started serving", server.Lines);
    }
}
