using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// Every failure a user will meet gives one line on stderr and its own exit code, and leaves the
/// target running its old code.
/// </summary>
public sealed class ErrorTests : IClassFixture<ErrorTests.BuiltSeed>
{
    private readonly BuiltSeed _seed;

    public ErrorTests(BuiltSeed seed)
    {
        _seed = seed;
    }

    [Theory]
    [InlineData("apply")]
    [InlineData("status")]
    [InlineData("revert")]
    public void A_missing_process_is_named(string verb)
    {
        string[] arguments = verb == "apply" ? [verb, "-p", "999999", _seed.Project.PatchPath] : [verb, "-p", "999999"];
        ToolResult result = InProcessSuture.Run(arguments);
        AssertOneLineError(result, ExitCode.NoSuchProcess, "no process with pid 999999");
    }

    [Fact]
    public void A_process_without_the_patched_object_names_both_build_ids()
    {
        using var other = new SeedProject(TestTargets.Looper, "gcc -DINTERVAL_US=30000 -o foo foo.c");
        using RunningProgram program = other.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string otherBuildId = Suture.Elf.ElfFile.Load(other.Binary).BuildIdHex!;

        ToolResult result = SutureCli.Run("apply", "-p", program.Pid.ToString(), _seed.Project.PatchPath);

        AssertOneLineError(result, ExitCode.ObjectNotMapped, $"maps no object with Build ID {_seed.BuildId}");
        Assert.Contains(otherBuildId, result.Stderr);
        Assert.Contains(other.Binary, result.Stderr);
        AssertStillUnpatched(program);
    }

    [Fact]
    public void A_truncated_patch_is_refused()
    {
        using var directory = new TempDirectory();
        byte[] bytes = File.ReadAllBytes(_seed.Project.PatchPath);
        string path = directory.File("truncated.patch");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        using RunningProgram program = _seed.Project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        ToolResult result = InProcessSuture.Run("apply", "-p", program.Pid.ToString(), path);

        AssertOneLineError(result, ExitCode.CorruptPatch, "truncated");
        AssertStillUnpatched(program);
    }

    [Fact]
    public void A_corrupt_patch_is_refused()
    {
        using var directory = new TempDirectory();
        byte[] bytes = File.ReadAllBytes(_seed.Project.PatchPath);
        bytes[bytes.Length / 2] ^= 0x40;
        string path = directory.File("corrupt.patch");
        File.WriteAllBytes(path, bytes);

        ToolResult result = InProcessSuture.Run("inspect", path);

        AssertOneLineError(result, ExitCode.CorruptPatch, "checksum");
    }

    [Fact]
    public void Applying_twice_and_reverting_twice_are_refused()
    {
        using RunningProgram program = _seed.Project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();

        AssertOneLineError(SutureCli.Run("revert", "-p", pid), ExitCode.NothingToRevert, "nothing to revert");
        SutureCli.Succeed("apply", "-p", pid, _seed.Project.PatchPath);
        AssertOneLineError(SutureCli.Run("apply", "-p", pid, _seed.Project.PatchPath), ExitCode.AlreadyApplied, "already applied");
        SutureCli.Succeed("revert", "-p", pid);
        AssertOneLineError(SutureCli.Run("revert", "-p", pid), ExitCode.NothingToRevert, "nothing to revert");
        AssertStillUnpatched(program);
    }

    [Fact]
    public void Without_permission_to_trace_the_process_apply_is_denied()
    {
        using RunningProgram program = _seed.Project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        using var directory = new TempDirectory();
        string patch = directory.File("foo.patch");
        File.Copy(_seed.Project.PatchPath, patch);
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);

        ToolResult result = Tool.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", SutureCli.Path, "apply", "-p", program.Pid.ToString(), patch]);

        AssertOneLineError(result, ExitCode.PermissionDenied, "permission denied");
        AssertStillUnpatched(program);
    }

    [Fact]
    public void A_thread_executing_the_function_makes_apply_refuse_and_leaves_the_process_unchanged()
    {
        using var spinner = new SeedProject(TestTargets.Spinner, "gcc -pthread -o foo foo.c");
        SutureCli.Succeed("build", "--source", spinner.SourceDirectory, "--patch", spinner.DiffPath, "--build", spinner.BuildCommand, "--target", spinner.Binary, "-o", spinner.PatchPath);
        using RunningProgram program = spinner.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        ToolResult result = SutureCli.Run("apply", "-p", program.Pid.ToString(), "--timeout", "0.3", spinner.PatchPath);

        AssertOneLineError(result, ExitCode.Busy, "is in i_m_being_patched");
        Assert.Contains("the process is unchanged", result.Stderr);
        Assert.Contains("no patches applied", SutureCli.Succeed("status", "-p", program.Pid.ToString()).Stdout);
        int now = program.LineCount;
        program.WaitForLine(l => l == "alive", now);
    }

    [Fact]
    public void A_process_that_forbids_new_executable_memory_is_refused_cleanly()
    {
        using var project = new SeedProject(TestTargets.NoExec, "gcc -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        ToolResult result = SutureCli.Run("apply", "-p", program.Pid.ToString(), project.PatchPath);

        AssertOneLineError(result, ExitCode.Unpatchable, "does not allow new executable memory");
        Assert.DoesNotContain("/memfd:suture", File.ReadAllText($"/proc/{program.Pid}/maps"));
        AssertStillUnpatched(program);
    }

    [Fact]
    public void A_process_under_memory_deny_write_execute_is_patched_without_writable_code()
    {
        using var project = new SeedProject(TestTargets.MemoryDenyWriteExecute, "gcc -o foo foo.c");
        Assert.True(project.BuildPatch().ExitCode == 0);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == "mdwe 1");
        program.WaitForLine(l => l == SeedProject.OldLine);

        // Suture maps the code read-execute from the start and writes it through /proc/PID/mem,
        // so the policy (no writable+executable mapping, no exec gained later) is never crossed.
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.PatchPath);
        int patched = program.WaitForSteady(SeedProject.NewLine, 3, program.LineCount);
        string[] maps = File.ReadAllLines($"/proc/{program.Pid}/maps");
        Assert.Contains(maps, l => l.Contains("/memfd:suture:", StringComparison.Ordinal) && l.Split(' ')[1] == "r-xp");
        Assert.DoesNotContain(maps, l => l.Split(' ')[1] is ['r' or '-', 'w', 'x', ..]);

        SutureCli.Succeed("revert", "-p", program.Pid.ToString());
        program.WaitForSteady(SeedProject.OldLine, 3, patched);
    }

    private static void AssertOneLineError(ToolResult result, ExitCode expected, string fragment) =>
        CliAssert.OneLineError(result, expected, fragment);

    private static void AssertStillUnpatched(RunningProgram program)
    {
        int now = program.LineCount;
        program.WaitForSteady(SeedProject.OldLine, 3, now);
        Assert.False(program.HasExited);
    }

    /// <summary>The seed looper and its patch, built once for all error cases.</summary>
    public sealed class BuiltSeed : IDisposable
    {
        public BuiltSeed()
        {
            Project = new SeedProject(TestTargets.Looper, "gcc -o foo foo.c");
            ToolResult built = Project.BuildPatch("--id", "seed-fix");
            Assert.True(built.ExitCode == 0, built.ToString());
            BuildId = Suture.Elf.ElfFile.Load(Project.Binary).BuildIdHex!;
        }

        public SeedProject Project { get; }

        public string BuildId { get; }

        public void Dispose() => Project.Dispose();
    }
}
