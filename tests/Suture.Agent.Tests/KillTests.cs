using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Agent.Tests;

/// <summary>An agent killed with SIGKILL in the middle of an apply leaves its targets running.</summary>
public sealed class KillTests
{
    [Fact]
    public void An_agent_SIGKILLed_in_the_middle_of_an_apply_leaves_the_process_running_and_untraced()
    {
        // One thread never leaves the function the patch replaces: the agent's apply stays busy
        // for its whole timeout (it watches for the thread's return, which never comes).
        using var project = new LooperProject("spinner.c");
        using var agent = new AgentHost("offline", new Dictionary<string, object> { ["applyTimeoutSeconds"] = 120 });
        File.Copy(project.PatchPath, Path.Combine(agent.Store, "foo.patch"));
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == "alive");

        using AgentProcess run = AgentProcess.Start(agent);
        // The apply has loaded the new code into the process (it stays mapped, unused, until the
        // switch) and now waits for the spinning thread to leave the function: the agent is in the
        // middle of the apply for the next two minutes. (TracerPid is no sign to wait for: the
        // stops last milliseconds, and while it waits for the thread the agent traces nothing.)
        Wait.Until(() => File.ReadAllText($"/proc/{program.Pid}/maps").Contains("/memfd:suture", StringComparison.Ordinal), TimeSpan.FromSeconds(90), $"the agent ({run.Pid}) loading the patch into process {program.Pid}: {run.Output}");
        Assert.False(run.HasExited, run.Output);
        run.KillHard();

        Wait.Until(() => TracerOf(program.Pid) == 0, TimeSpan.FromSeconds(30), $"process {program.Pid} no longer traced");
        int lines = program.LineCount;
        program.WaitForLine(l => l == "alive", lines, TimeSpan.FromSeconds(30));
        Assert.False(program.HasExited);
        Assert.DoesNotContain(program.Lines(), l => l == LooperProject.NewLine);
    }

    private static int TracerOf(int pid) => ProcStatus.ReadProcess(pid)?.Number("TracerPid") ?? -1;
}
