using System.Diagnostics;
using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// The error paths reached after suture traces a live process, in process
/// (<see cref="InProcessSuture"/>): each gives its documented exit code and one "error:" line, no
/// internal failure, and leaves the target running its old code with <c>status</c> clean. The
/// targets are <see cref="DetachedProgram"/>s, not children of the test host: .NET reaps its own
/// children with waitpid(pid) from its SIGCHLD handler, which would take their ptrace stops from
/// suture's tracer thread. The process-level twins stay in <see cref="ErrorTests"/> and
/// <see cref="CommandLineTests"/>; another uid (setpriv of suture itself) and death by a signal
/// stay there only.
/// </summary>
public sealed class TracedErrorTests : IClassFixture<ErrorTests.BuiltSeed>, IClassFixture<TracedErrorTests.BuiltSpinner>
{
    private readonly ErrorTests.BuiltSeed _seed;
    private readonly BuiltSpinner _spinner;

    public TracedErrorTests(ErrorTests.BuiltSeed seed, BuiltSpinner spinner)
    {
        _seed = seed;
        _spinner = spinner;
    }

    [Fact]
    public void A_thread_busy_in_the_function_makes_apply_refuse_at_the_timeout()
    {
        using DetachedProgram program = StartDetached(_spinner.Project.Binary, "alive");
        string pid = program.Pid.ToString();

        ToolResult result = InProcessSuture.Run("apply", "-p", pid, "--timeout", "0.3", _spinner.Project.PatchPath);

        AssertOneLineError(result, ExitCode.Busy, "is in i_m_being_patched");
        Assert.Contains("the process is unchanged", result.Stderr);
        AssertStatusClean(pid);
        program.WaitForLine(l => l == "alive", program.LineCount);
        Assert.False(program.HasExited);
    }

    [Fact]
    public void A_tracer_already_attached_is_named_and_nothing_changes()
    {
        using DetachedProgram program = StartDetached(_spinner.Project.Binary, "alive");
        int thread = OtherThread(program.Pid);
        using var strace = System.Diagnostics.Process.Start(new ProcessStartInfo("strace", ["-o", "/dev/null", "-p", thread.ToString()]) { RedirectStandardError = true })!;
        try
        {
            Wait.Until(() => ProcStatus.ReadThread(program.Pid, thread)?.Number("TracerPid") == strace.Id, TimeSpan.FromSeconds(30), "strace to attach");

            ToolResult result = InProcessSuture.Run("apply", "-p", program.Pid.ToString(), "--timeout", "1", _spinner.Project.PatchPath);

            AssertOneLineError(result, ExitCode.PermissionDenied, $"its thread {thread} is already traced by process {strace.Id} (strace; a debugger?); detach that first");
        }
        finally
        {
            strace.Kill();
            strace.WaitForExit();
        }

        AssertStatusClean(program.Pid.ToString());
        program.WaitForLine(l => l == "alive", program.LineCount);
        Assert.False(program.HasExited);
    }

    [Fact]
    public void A_tracer_attached_to_a_patched_process_makes_revert_refuse_and_the_patch_stays()
    {
        using DetachedProgram program = StartDetached(_seed.Project.Binary, SeedProject.OldLine);
        string pid = program.Pid.ToString();
        InProcessSuture.Succeed("apply", "-p", pid, _seed.Project.PatchPath);
        using var strace = System.Diagnostics.Process.Start(new ProcessStartInfo("strace", ["-o", "/dev/null", "-p", pid]) { RedirectStandardError = true })!;
        try
        {
            Wait.Until(() => ProcStatus.ReadProcess(program.Pid)?.Number("TracerPid") == strace.Id, TimeSpan.FromSeconds(30), "strace to attach");

            AssertOneLineError(InProcessSuture.Run("revert", "-p", pid), ExitCode.PermissionDenied, $"is already traced by process {strace.Id} (strace; a debugger?); detach that first");
            // gc traces only a process holding orphaned suture memory: this one has none, so it
            // reads /proc and is done, the tracer notwithstanding.
            Assert.Contains("nothing to collect", InProcessSuture.Succeed("gc", "-p", pid).Stdout);
        }
        finally
        {
            strace.Kill();
            strace.WaitForExit();
        }

        program.WaitForSteady(SeedProject.NewLine, 3, program.LineCount);
        Assert.Contains("seed-fix", InProcessSuture.Succeed("status", "-p", pid).Stdout);
        InProcessSuture.Succeed("revert", "-p", pid);
        AssertStillUnpatched(program);
    }

    [Fact]
    public void Reverting_a_patch_the_process_does_not_run_is_nothing_to_revert_and_keeps_the_other()
    {
        using DetachedProgram program = StartDetached(_seed.Project.Binary, SeedProject.OldLine);
        string pid = program.Pid.ToString();
        InProcessSuture.Succeed("apply", "-p", pid, _seed.Project.PatchPath);
        try
        {
            program.WaitForSteady(SeedProject.NewLine, 3, program.LineCount);

            AssertOneLineError(InProcessSuture.Run("revert", "-p", pid, "--id", "other-fix"), ExitCode.NothingToRevert, $"process {pid} does not run patch other-fix");

            program.WaitForSteady(SeedProject.NewLine, 3, program.LineCount);
            Assert.Contains("seed-fix", InProcessSuture.Succeed("status", "-p", pid).Stdout);
        }
        finally
        {
            InProcessSuture.Succeed("revert", "-p", pid);
        }

        AssertStillUnpatched(program);
    }

    [Fact]
    public void Applying_twice_and_reverting_twice_are_refused()
    {
        using DetachedProgram program = StartDetached(_seed.Project.Binary, SeedProject.OldLine);
        string pid = program.Pid.ToString();

        AssertOneLineError(InProcessSuture.Run("revert", "-p", pid), ExitCode.NothingToRevert, "nothing to revert");
        InProcessSuture.Succeed("apply", "-p", pid, _seed.Project.PatchPath);
        AssertOneLineError(InProcessSuture.Run("apply", "-p", pid, _seed.Project.PatchPath), ExitCode.AlreadyApplied, "already applied");
        program.WaitForSteady(SeedProject.NewLine, 3, program.LineCount);
        InProcessSuture.Succeed("revert", "-p", pid);
        AssertOneLineError(InProcessSuture.Run("revert", "-p", pid), ExitCode.NothingToRevert, "nothing to revert");
        AssertStillUnpatched(program);
    }

    [Fact]
    public void A_patch_for_another_binary_names_both_build_ids()
    {
        using var other = new SeedProject(TestTargets.Looper, "gcc -DINTERVAL_US=30000 -o foo foo.c");
        using DetachedProgram program = StartDetached(other.Binary, SeedProject.OldLine);
        string otherBuildId = Suture.Elf.ElfFile.Load(other.Binary).BuildIdHex!;

        ToolResult result = InProcessSuture.Run("apply", "-p", program.Pid.ToString(), _seed.Project.PatchPath);

        AssertOneLineError(result, ExitCode.ObjectNotMapped, $"maps no object with Build ID {_seed.BuildId}");
        Assert.Contains(otherBuildId, result.Stderr);
        Assert.Contains(other.Binary, result.Stderr);
        AssertStillUnpatched(program);
    }

    // Found, not fixed: about 1 run in 6 (the whole filter on a loaded 2-core machine), apply
    // --timeout 60 had not returned 30 s after the target was SIGKILLed while suture waited for the
    // busy thread; the other runs end at once with exit 3 "no process with pid N". Skipped until
    // apply notices the exit (a tracee killed while traced stays a zombie until its tracer reaps it).
    [Fact(Skip = "apply sometimes does not notice a target killed mid-wait before --timeout (issue #12 item 6 follow-up)")]
    public void A_process_that_exits_while_apply_waits_for_it_is_named()
    {
        DetachedProgram program = StartDetached(_spinner.Project.Binary, "alive");
        try
        {
            string pid = program.Pid.ToString();
            ToolResult? result = null;
            var apply = new Thread(() => result = InProcessSuture.Run("apply", "-p", pid, "--timeout", "60", _spinner.Project.PatchPath));
            apply.Start();
            // suture holds the process (a thread of this host traces it) and waits for the busy thread.
            Wait.Until(() => !apply.IsAlive || TracedByHost(program.Pid), TimeSpan.FromSeconds(30), "suture to trace the target");
            Assert.True(apply.IsAlive, $"apply ended before the target exited: {result}");

            program.Kill();

            Assert.True(apply.Join(TimeSpan.FromSeconds(30)), "apply did not notice the target exit within 30 s");
            AssertOneLineError(result!, ExitCode.NoSuchProcess, $"no process with pid {pid}");
        }
        finally
        {
            program.Dispose();
        }
    }

    [Fact]
    public void A_detached_target_is_not_a_child_of_the_test_host()
    {
        using DetachedProgram program = StartDetached(_seed.Project.Binary, SeedProject.OldLine);

        int parent = ProcStatus.ReadProcess(program.Pid)!.Number("PPid");

        Assert.NotEqual(Environment.ProcessId, parent);
    }

    private static DetachedProgram StartDetached(string binary, string line)
    {
        DetachedProgram program = DetachedProgram.Start(binary);
        try
        {
            program.WaitForLine(l => l == line);
            return program;
        }
        catch
        {
            program.Dispose();
            throw;
        }
    }

    /// <summary>Whether a thread of this test host (suture's tracer thread) traces <paramref name="pid"/>.</summary>
    private static bool TracedByHost(int pid)
    {
        int tracer = ProcStatus.ReadProcess(pid)?.Number("TracerPid") ?? 0;
        return tracer != 0 && Directory.Exists($"/proc/{Environment.ProcessId}/task/{tracer}");
    }

    private static int OtherThread(int pid)
    {
        int thread = 0;
        Wait.Until(() => (thread = Directory.GetDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d))).FirstOrDefault(t => t != pid)) != 0, TimeSpan.FromSeconds(30), "a second thread");
        return thread;
    }

    private static void AssertStatusClean(string pid) =>
        Assert.Contains("no patches applied", InProcessSuture.Succeed("status", "-p", pid).Stdout);

    private static void AssertStillUnpatched(DetachedProgram program)
    {
        program.WaitForSteady(SeedProject.OldLine, 3, program.LineCount);
        Assert.False(program.HasExited);
        AssertStatusClean(program.Pid.ToString());
    }

    private static void AssertOneLineError(ToolResult result, ExitCode expected, string fragment) =>
        CliAssert.OneLineError(result, expected, fragment, quiet: true);

    /// <summary>The spinner (one thread never leaves the function) and its patch, built once.</summary>
    public sealed class BuiltSpinner : IDisposable
    {
        public BuiltSpinner()
        {
            Project = new SeedProject(TestTargets.Spinner, "gcc -pthread -o foo foo.c");
            Project.SucceedBuildPatch();
        }

        public SeedProject Project { get; }

        public void Dispose() => Project.Dispose();
    }
}
