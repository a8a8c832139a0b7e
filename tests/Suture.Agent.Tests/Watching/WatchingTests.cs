using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Agent.Tests.Watching;

/// <summary>
/// The agent's process watcher with <c>suture agent run</c> on real processes: a process started
/// after the agent is patched soon after its exec (the store is read only once, so nothing else
/// patches it), a library loaded later with dlopen is patched, and a patch whose new code
/// crashes is blocked after its first crash, on this host, until an operator clears it.
/// </summary>
public sealed class WatchingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // The store is read at start only: whatever patches a later process is the watcher.
    private static readonly Dictionary<string, object> ReadStoreOnce = new() { ["storeRescanSeconds"] = 86400, ["watchWindowSeconds"] = 600 };

    [Fact]
    public void A_process_started_after_the_agent_is_patched_soon_after_its_exec()
    {
        using var project = new LooperProject();
        using var agent = new AgentHost("offline", ReadStoreOnce);
        File.Copy(project.PatchPath, Path.Combine(agent.Store, "foo.patch"));
        using AgentProcess run = AgentProcess.Start(agent);
        Wait.Until(() => run.Output.Contains("watching new processes through the netlink process connector", StringComparison.Ordinal), Deadline, "the watcher's start: " + run.Output);
        WaitForFirstRead(run);

        using RunningProgram later = project.Start();
        Patched(later, 0, run);
        Assert.Contains("/memfd:suture:looper-fix", File.ReadAllText($"/proc/{later.Pid}/maps"));

        run.Terminate();
        Assert.True(run.ExitCode == 0, run.Output);
    }

    [Fact]
    public void A_library_loaded_later_with_dlopen_is_patched()
    {
        const string build = "gcc -shared -fPIC -o libvuln.so vuln.c && gcc -o main main.c -ldl";
        var sources = new Dictionary<string, string>
        {
            ["vuln.c"] = """
                #include <stdio.h>
                void vuln_line(void) { printf("i'm unpatched!\n"); }
                """,
            ["main.c"] = """
                #include <dlfcn.h>
                #include <signal.h>
                #include <stdio.h>
                #include <unistd.h>
                static volatile sig_atomic_t load;
                static void on_usr1(int signal) { (void)signal; load = 1; }
                int main(void)
                {
                    setvbuf(stdout, NULL, _IOLBF, 0);
                    signal(SIGUSR1, on_usr1);
                    while (!load) { printf("waiting\n"); usleep(20000); }
                    void *library = dlopen("./libvuln.so", RTLD_NOW);
                    if (!library) { printf("dlopen: %s\n", dlerror()); return 1; }
                    void (*line)(void) = (void (*)(void))dlsym(library, "vuln_line");
                    for (;;) { line(); usleep(20000); }
                }
                """,
        };
        using var project = new CProject("agent-dlopen", build, sources);
        string diff = project.Fix("fix", ("vuln.c", "printf(\"i'm unpatched!\\n\");", "printf(\"you patched my %s\\n\", \"tralala\");"));
        string patch = project.File("vuln.patch");
        ToolResult built = project.BuildPatch(diff, build, patch, ["libvuln.so"], "--id", "vuln-fix");
        Assert.True(built.ExitCode == 0, built.ToString());
        using var agent = new AgentHost("offline", ReadStoreOnce);
        File.Copy(patch, Path.Combine(agent.Store, "vuln.patch"));
        using RunningProgram program = project.Start("main");
        program.WaitForLine(l => l == "waiting");
        using AgentProcess run = AgentProcess.Start(agent);
        Wait.Until(() => run.Output.Contains("watching new processes", StringComparison.Ordinal), Deadline, "the watcher's start: " + run.Output);
        WaitForFirstRead(run);

        Assert.Equal(0, Native.Kill(program.Pid, 10)); // SIGUSR1: dlopen now
        int loaded = program.WaitForLine(l => l == LooperProject.OldLine, 0, Deadline);
        Patched(program, loaded, run);

        run.Terminate();
        Assert.True(run.ExitCode == 0, run.Output);
    }

    [Fact]
    public void A_patch_that_crashes_its_process_is_blocked_after_the_first_crash_until_unblocked()
    {
        const string build = "gcc -pthread -o foo foo.c";
        string source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestTargets", "looper.c"));
        using var project = new CProject("agent-crash", build, new Dictionary<string, string> { ["foo.c"] = source });
        string diff = project.Fix("crash", ("foo.c", "printf(\"i'm unpatched!\\n\");", "*(volatile int *)0 = 1;"));
        string patch = project.File("crash.patch");
        ToolResult built = project.BuildPatch(diff, build, patch, ["foo"], "--id", "looper-crash");
        Assert.True(built.ExitCode == 0, built.ToString());
        using var agent = new AgentHost("offline", ReadStoreOnce);
        File.Copy(patch, Path.Combine(agent.Store, "crash.patch"));
        using AgentProcess run = AgentProcess.Start(agent);
        Wait.Until(() => run.Output.Contains("watching new processes", StringComparison.Ordinal), Deadline, "the watcher's start: " + run.Output);
        WaitForFirstRead(run);

        // The first process is patched after its exec, runs the new code and dies by SIGSEGV.
        using RunningProgram first = RunningProgram.Start(project.Deployed("foo"));
        Wait.Until(() => first.HasExited, Deadline, $"process {first.Pid} to crash in the patched code");
        Wait.Until(() => run.Output.Contains("blocked looper-crash", StringComparison.Ordinal), Deadline, "the block: " + run.Output);
        Assert.Contains($"process {first.Pid} died by signal 11", run.Output);
        JsonElement blocked = Assert.Single(JsonDocument.Parse(File.ReadAllText(Path.Combine(agent.State, "blocked.json"))).RootElement.EnumerateArray());
        Assert.Equal("looper-crash", blocked.GetProperty("patchId").GetString());
        Assert.Equal(11, blocked.GetProperty("signal").GetInt32());

        // The next process of the same binary is left alone: it keeps running the old code.
        using RunningProgram second = RunningProgram.Start(project.Deployed("foo"));
        second.WaitForLine(l => l == LooperProject.OldLine, 0, Deadline);
        Wait.Until(() => run.Output.Contains($"process {second.Pid} (", StringComparison.Ordinal), Deadline, "the agent to look at the second process: " + run.Output);
        Assert.Contains($"process {second.Pid} (foo) maps ", run.Output);
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{second.Pid}/maps"));
        Assert.False(second.HasExited);
        run.Terminate();

        // The block survives the agent's restart; the operator clears it.
        using AgentProcess again = AgentProcess.Start(agent);
        Wait.Until(() => again.Output.Contains("watching new processes", StringComparison.Ordinal), Deadline, "the watcher's start: " + again.Output);
        WaitForFirstRead(again);
        Assert.Contains("is blocked on this host (it crashed a process)", again.Output);
        using RunningProgram third = RunningProgram.Start(project.Deployed("foo"));
        third.WaitForLine(l => l == LooperProject.OldLine, 0, Deadline);
        Wait.Until(() => again.Output.Contains($"process {third.Pid} (", StringComparison.Ordinal), Deadline, "the restarted agent to look at the third process: " + again.Output);
        Assert.Contains("is blocked on this host; left unpatched", again.Output);
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{third.Pid}/maps"));
        Assert.False(third.HasExited);
        again.Terminate();
        ToolResult cleared = agent.Succeed("unblock", "looper-crash");
        Assert.Contains("unblocked looper-crash", cleared.Stdout);
        Assert.Empty(JsonDocument.Parse(File.ReadAllText(Path.Combine(agent.State, "blocked.json"))).RootElement.EnumerateArray());
    }

    /// <summary>Waits for the new line from <paramref name="program"/>; a timeout says what the agent logged.</summary>
    private static void Patched(RunningProgram program, int from, AgentProcess run)
    {
        try
        {
            program.WaitForLine(l => l == LooperProject.NewLine, from, Deadline);
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new TimeoutException($"process {program.Pid} not patched: {e.Message}; the agent's log:\n{run.Output}", e);
        }
    }

    /// <summary>The first store read and the reconcile after it are done: from now on only the watcher patches.</summary>
    private static void WaitForFirstRead(AgentProcess run) =>
        Wait.Until(() => run.Output.Contains(" directive(s); ", StringComparison.Ordinal), Deadline, "the agent's first store read: " + run.Output);
}
