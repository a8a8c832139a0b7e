using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Agent.Tests;

/// <summary>Offline mode: a store directory of signed patches instead of a server.</summary>
public sealed class OfflineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Agent_check_applies_the_stores_signed_patch_to_every_process_and_status_shows_the_coverage()
    {
        using var project = new LooperProject();
        using var agent = new AgentHost("offline");
        File.Copy(project.PatchPath, Path.Combine(agent.Store, "foo.patch"));
        using RunningProgram first = project.Start();
        using RunningProgram second = project.Start();
        first.WaitForLine(l => l == LooperProject.OldLine);
        second.WaitForLine(l => l == LooperProject.OldLine);

        ToolResult checkedIn = agent.Succeed("check");
        Assert.Contains($"apply succeeded: process {first.Pid}", checkedIn.Stdout);
        Assert.Contains($"apply succeeded: process {second.Pid}", checkedIn.Stdout);
        Assert.Contains("2 applied", checkedIn.Stdout);
        first.WaitForLine(l => l == LooperProject.NewLine, first.LineCount);
        second.WaitForLine(l => l == LooperProject.NewLine, second.LineCount);

        // Again: nothing to do, each process already runs the level.
        Assert.Contains("0 applied", agent.Succeed("check").Stdout);

        JsonElement status = agent.Status();
        Assert.Equal("offline", status.GetProperty("mode").GetString());
        JsonElement coverage = Assert.Single(status.GetProperty("objects").EnumerateArray());
        Assert.Equal(2, coverage.GetProperty("processes").GetInt32());
        Assert.Equal(2, coverage.GetProperty("patched").GetInt32());
        JsonElement patch = Assert.Single(status.GetProperty("patches").EnumerateArray());
        Assert.Equal("approved", patch.GetProperty("state").GetString());
        Assert.Equal("looper-fix", patch.GetProperty("id").GetString());
    }

    [Fact]
    public void A_store_patch_signed_by_a_key_the_host_does_not_trust_is_refused_and_nothing_is_applied()
    {
        using var project = new LooperProject();
        using var trust = new TempDirectory("suture-agent-trust"); // a trust directory without the test key
        using var agent = new AgentHost("offline", new Dictionary<string, object> { ["trustDirectory"] = trust.Path });
        File.Copy(project.PatchPath, Path.Combine(agent.Store, "foo.patch"));
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == LooperProject.OldLine);

        ToolResult result = agent.Succeed("check");
        Assert.Contains("store patch refused", result.Stdout);
        Assert.Contains("not in the trust directory", result.Stdout);
        Assert.Contains("0 applied", result.Stdout);
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{program.Pid}/maps"));
        program.WaitForLine(l => l == LooperProject.OldLine, program.LineCount);
    }

    [Fact]
    public void Agent_run_patches_running_processes_writes_its_metrics_and_ends_cleanly_on_SIGTERM()
    {
        using var project = new LooperProject();
        using var metrics = new TempDirectory("suture-agent-metrics");
        string prom = metrics.File("suture-agent.prom");
        using var agent = new AgentHost("offline", new Dictionary<string, object> { ["metricsFile"] = prom });
        File.Copy(project.PatchPath, Path.Combine(agent.Store, "foo.patch"));
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == LooperProject.OldLine);

        using AgentProcess run = AgentProcess.Start(agent);
        program.WaitForLine(l => l == LooperProject.NewLine, program.LineCount, Deadline);

        // A process started after the agent is patched (by the watcher, or by the next store read).
        using RunningProgram later = project.Start();
        later.WaitForLine(l => l == LooperProject.NewLine, 0, Deadline);

        run.Terminate();
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("stopped by SIGTERM", run.Output);

        // Prometheus text for node_exporter's textfile collector, written last as the agent stopped.
        string[] written = File.ReadAllLines(prom);
        Assert.Contains("# TYPE suture_agent_results_total counter", written);
        Assert.Contains("suture_agent_results_total{action=\"apply\",outcome=\"succeeded\"} 2", written);
        Assert.Contains("suture_agent_results_total{action=\"revert\",outcome=\"failed\"} 0", written);
        Assert.Contains("suture_agent_approved_patches 1", written);
        Assert.Contains("suture_agent_blocked_patches 0", written);
        Assert.Contains(written, l => l.StartsWith("suture_agent_check_ins_total ", StringComparison.Ordinal) && int.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains(written, l => l.StartsWith("suture_agent_last_successful_check_in_timestamp_seconds ", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
        int lines = program.LineCount;
        program.WaitForLine(l => l == LooperProject.NewLine, lines, Deadline);
    }
}
