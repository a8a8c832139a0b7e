using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Agent.Tests;

/// <summary>An agent killed with SIGKILL in the middle of an apply leaves its targets running.</summary>
public sealed class KillTests
{
    [Fact]
    public void An_agent_SIGKILLed_while_it_holds_a_busy_process_leaves_the_process_running_and_untraced()
    {
        // One thread never leaves the function the patch replaces: the agent keeps trying (busy)
        // for the whole apply timeout, stopping and walking the process again and again.
        using var project = new LooperProject("spinner.c");
        using var agent = new AgentHost("offline", new Dictionary<string, object> { ["applyTimeoutSeconds"] = 120 });
        File.Copy(project.PatchPath, Path.Combine(agent.Store, "foo.patch"));
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == "alive");

        using AgentProcess run = AgentProcess.Start(agent);
        // TracerPid names the tracing thread: one of the agent's.
        Wait.Until(() => TracerOf(program.Pid) is int tracer and > 0 && Directory.Exists($"/proc/{run.Pid}/task/{tracer}"), TimeSpan.FromSeconds(90), $"the agent ({run.Pid}) tracing process {program.Pid}");
        run.KillHard();

        Wait.Until(() => TracerOf(program.Pid) == 0, TimeSpan.FromSeconds(30), $"process {program.Pid} no longer traced");
        int lines = program.LineCount;
        program.WaitForLine(l => l == "alive", lines, TimeSpan.FromSeconds(30));
        Assert.False(program.HasExited);
        Assert.DoesNotContain(program.Lines(), l => l == LooperProject.NewLine);
    }

    private static int TracerOf(int pid) => ProcStatus.ReadProcess(pid)?.Number("TracerPid") ?? -1;
}
