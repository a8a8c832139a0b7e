using System.Text.Json;
using Suture.Protocol;
using Suture.Protocol.Admin;
using Suture.Server.Tests;
using Suture.TestSupport;

namespace Suture.Agent.Tests;

/// <summary>
/// Against a real suture-server on loopback (SQLite, TLS with its generated certificate, pinned):
/// register, upload and approve a signed patch, check in, undeploy.
/// </summary>
public sealed class ServerModeTests
{
    private static Task<ServerUnderTest> StartServerAsync() =>
        ServerUnderTest.StartAsync(new SqliteDatabase(), new Dictionary<string, string> { ["Suture:TrustDirectory"] = TestKeys.TrustDirectory });

    private static void Register(AgentHost agent, ServerUnderTest server, string key)
    {
        ToolResult registered = agent.Succeed("register", "--server", server.BaseAddress.ToString(), "--key", key, "--pin", server.Pin!);
        Assert.Contains("registered with", registered.Stdout);
        Assert.Contains($"pinned {server.Pin}", registered.Stdout);
    }

    [Fact]
    public async Task A_registered_agent_applies_an_approved_patch_at_check_in_reports_the_results_and_an_undeploy_reverts_every_process()
    {
        await using ServerUnderTest server = await StartServerAsync();
        await server.FeedAsync("production", ApprovalMode.Manual);
        KeyCreated key = await server.KeyAsync("production");
        using var project = new LooperProject();
        using var agent = new AgentHost("auto");
        Register(agent, server, key.Key);
        Assert.Equal("production", agent.Status().GetProperty("feed").GetString());

        using RunningProgram first = project.Start();
        using RunningProgram second = project.Start();
        first.WaitForLine(l => l == LooperProject.OldLine);
        second.WaitForLine(l => l == LooperProject.OldLine);

        // Nothing approved yet: the check-in reports the inventory and changes nothing.
        Assert.Contains("0 directive(s)", agent.Succeed("check").Stdout);
        first.WaitForLine(l => l == LooperProject.OldLine, first.LineCount);

        PatchInfo uploaded = await server.UploadAsync(File.ReadAllBytes(project.PatchPath));
        await server.DeployAsync("production", uploaded.Sha256, "enable");
        ToolResult applied = agent.Succeed("check");
        Assert.True(applied.Stdout.Contains("2 applied", StringComparison.Ordinal), applied.ToString());
        first.WaitForLine(l => l == LooperProject.NewLine, first.LineCount);
        second.WaitForLine(l => l == LooperProject.NewLine, second.LineCount);
        Assert.True(File.Exists(Path.Combine(agent.Cache, uploaded.Sha256 + ".patch")), "the downloaded patch is cached");

        IReadOnlyList<AuditEntryInfo> audit = await server.AuditAsync();
        Assert.Contains(audit, e => e.Action == "host.apply.succeeded" && e.Subject == $"patch:{uploaded.Sha256}");
        Assert.Equal(2, audit.Count(e => e.Action == "host.apply.succeeded"));

        JsonElement status = agent.Status();
        Assert.True(status.GetProperty("lastCheckIn").GetProperty("succeeded").GetBoolean());
        JsonElement coverage = Assert.Single(status.GetProperty("objects").EnumerateArray());
        Assert.Equal(2, coverage.GetProperty("patched").GetInt32());

        using HttpResponseMessage undeployed = await server.Admin.PostAsync($"/api/v1/feeds/production/objects/{uploaded.BuildId}/undeploy", null);
        Assert.True(undeployed.IsSuccessStatusCode, await undeployed.Content.ReadAsStringAsync());
        ToolResult reverted = agent.Succeed("check");
        Assert.Contains("2 reverted", reverted.Stdout);
        first.WaitForLine(l => l == LooperProject.OldLine, first.LineCount);
        second.WaitForLine(l => l == LooperProject.OldLine, second.LineCount);
        Assert.Equal(0, Assert.Single(agent.Status().GetProperty("objects").EnumerateArray()).GetProperty("patched").GetInt32());
        Assert.Contains(await server.AuditAsync(), e => e.Action == "host.revert.succeeded");
    }

    [Fact]
    public async Task Agent_run_applies_an_approved_patch_at_its_next_check_in_patches_a_process_started_later_and_an_undeploy_reverts_them_all()
    {
        await using ServerUnderTest server = await StartServerAsync();
        await server.FeedAsync("production", ApprovalMode.Manual);
        KeyCreated key = await server.KeyAsync("production");
        using var project = new LooperProject();
        using var agent = new AgentHost("auto");
        Register(agent, server, key.Key);
        using RunningProgram first = project.Start();
        first.WaitForLine(l => l == LooperProject.OldLine);

        using AgentProcess run = AgentProcess.Start(agent);
        Wait.Until(() => run.Output.Contains("0 directive(s); ", StringComparison.Ordinal), Deadline, "the agent's first check-in: " + run.Output);
        Assert.Contains("watching new processes", run.Output);

        // Approved on the server: the running agent's next check-in (asked for now with SIGHUP,
        // instead of an interval later) downloads, verifies and applies it.
        PatchInfo uploaded = await server.UploadAsync(File.ReadAllBytes(project.PatchPath));
        await server.DeployAsync("production", uploaded.Sha256, "enable");
        run.CheckInNow();
        first.WaitForLine(l => l == LooperProject.NewLine, first.LineCount, Deadline);
        Wait.Until(() => run.Output.Contains($"apply succeeded: process {first.Pid}", StringComparison.Ordinal), Deadline, "the apply in the agent's log: " + run.Output);

        // A process of the same binary started now is patched by the watcher, between check-ins.
        using RunningProgram later = project.Start();
        later.WaitForLine(l => l == LooperProject.NewLine, 0, Deadline);

        // Undeployed on the server: the next check-in reverts every process, the later one too,
        // and reports each result (the later process's apply goes with it).
        using HttpResponseMessage undeployed = await server.Admin.PostAsync($"/api/v1/feeds/production/objects/{uploaded.BuildId}/undeploy", null);
        Assert.True(undeployed.IsSuccessStatusCode, await undeployed.Content.ReadAsStringAsync());
        run.CheckInNow();
        first.WaitForLine(l => l == LooperProject.OldLine, first.LineCount, Deadline);
        later.WaitForLine(l => l == LooperProject.OldLine, later.LineCount, Deadline);
        await UntilAsync(async () => (await server.AuditAsync()).Count(e => e.Action == "host.revert.succeeded") == 2, "two reverts reported to the server");
        IReadOnlyList<AuditEntryInfo> audit = await server.AuditAsync();
        Assert.Equal(2, audit.Count(e => e.Action == "host.apply.succeeded" && e.Subject == $"patch:{uploaded.Sha256}"));
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{later.Pid}/maps"));

        run.Terminate();
        Assert.True(run.ExitCode == 0, run.Output);
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"{what} did not happen within {Deadline.TotalSeconds} s");
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task In_manual_mode_the_agent_downloads_and_verifies_but_applies_only_after_agent_approve()
    {
        await using ServerUnderTest server = await StartServerAsync();
        await server.FeedAsync("staging", ApprovalMode.Automatic);
        KeyCreated key = await server.KeyAsync("staging");
        using var project = new LooperProject();
        using var agent = new AgentHost("manual");
        Register(agent, server, key.Key);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == LooperProject.OldLine);
        await server.UploadAsync(File.ReadAllBytes(project.PatchPath)); // enabled at upload: an automatic feed

        ToolResult waiting = agent.Succeed("check");
        Assert.Contains("waiting for 'suture agent approve looper-fix'", waiting.Stdout);
        Assert.Contains("0 applied", waiting.Stdout);
        Assert.Equal("pending", Assert.Single(agent.Status().GetProperty("patches").EnumerateArray()).GetProperty("state").GetString());
        program.WaitForLine(l => l == LooperProject.OldLine, program.LineCount);

        ToolResult unknown = agent.Run("approve", "no-such-patch");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no patch 'no-such-patch' in the agent's cache", unknown.Stderr);

        Assert.Contains("approved looper-fix level 1", agent.Succeed("approve", "looper-fix").Stdout);
        Assert.Contains("1 applied", agent.Succeed("check").Stdout);
        program.WaitForLine(l => l == LooperProject.NewLine, program.LineCount);
        Assert.Equal("approved", Assert.Single(agent.Status().GetProperty("patches").EnumerateArray()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_wrong_pin_is_refused_and_nothing_is_stored()
    {
        await using ServerUnderTest server = await StartServerAsync();
        await server.FeedAsync("production");
        KeyCreated key = await server.KeyAsync("production");
        using var agent = new AgentHost("auto");
        string wrong = "sha256:" + new string('0', 64);
        ToolResult refused = agent.Run("register", "--server", server.BaseAddress.ToString(), "--key", key.Key, "--pin", wrong);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("TLS certificate was refused", refused.Stderr);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(agent.State, "identity.json")));

        ToolResult check = agent.Run("check");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("this host is not registered", check.Stderr);
    }
}
