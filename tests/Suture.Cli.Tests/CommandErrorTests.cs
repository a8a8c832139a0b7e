using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// The error paths of every command, in process (<see cref="InProcessSuture"/>): README's exit
/// code table and the refusals the commands themselves throw, each with one "error:" line that
/// names the value and what to do, its documented exit code, nothing on stdout and no internal
/// failure. Here what fails before suture traces a process; what fails after tracing a live
/// target is in <see cref="TracedErrorTests"/> (targets detached from the test host, whose waitpid
/// bookkeeping would take the ptrace stops of its own children). Cases that need a real suture
/// process or another uid are in <see cref="ErrorTests"/>, <see cref="CommandLineTests"/> and
/// <see cref="SignalTests"/>.
/// </summary>
public sealed class CommandErrorTests : IClassFixture<ErrorTests.BuiltSeed>
{
    private readonly ErrorTests.BuiltSeed _seed;

    public CommandErrorTests(ErrorTests.BuiltSeed seed)
    {
        _seed = seed;
    }

    [Theory]
    [InlineData("apply", "-p", "abc", "x.patch", "-p expects a process id or 'all', not 'abc'")]
    [InlineData("apply", "-p", "0", "x.patch", "-p expects a process id or 'all', not '0'")]
    [InlineData("revert", "-p", "all", "-p expects a process id, not 'all'")]
    [InlineData("status", "-p", "1x", "-p expects a process id, not '1x'")]
    [InlineData("gc", "-p", "+5", "-p expects a process id or 'all', not '+5'")]
    [InlineData("status", "status needs either -p PID or --all")]
    [InlineData("status", "-p", "1", "--all", "status needs either -p PID or --all")]
    [InlineData("status", "--cves", "--json", "--osv", "status --cves writes one form at a time; give only one of --json, --osv")]
    [InlineData("status", "--cves", "--oval", "--osv", "status --cves writes one form at a time; give only one of --oval, --osv")]
    [InlineData("status", "--all", "--osv", "--osv is a form of 'status --cves'; add --cves")]
    [InlineData("status", "-p", "1", "--oval", "--oval is a form of 'status --cves'; add --cves")]
    public void A_malformed_value_is_a_usage_error(params string[] argumentsAndMessage)
    {
        ToolResult result = InProcessSuture.Run(argumentsAndMessage[..^1]);

        AssertOneLineError(result, ExitCode.Usage, argumentsAndMessage[^1]);
    }

    [Theory]
    [InlineData("frobnicate", "unknown command 'frobnicate'")]
    [InlineData("apply -p 1 --frobnicate x.patch", "unknown option '--frobnicate' (see 'suture apply --help')")]
    [InlineData("apply x.patch", "Option '--pid' is required")]
    [InlineData("build --source s", "--patch")]
    public void A_bad_command_line_is_exit_2_in_one_line_naming_it(string line, string fragment)
    {
        ToolResult result = InProcessSuture.Run(line.Split(' '));

        AssertOneLineError(result, ExitCode.Usage, fragment);
        Assert.EndsWith("--help')", result.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public void An_unsigned_patch_is_refused_before_any_process_is_looked_up()
    {
        using var directory = new TempDirectory();
        string unsigned = directory.File("unsigned.patch");
        File.WriteAllBytes(unsigned, Format.Writing.PatchWriter.Write(Format.PatchDocument.Load(_seed.Project.PatchPath).Patch));

        AssertOneLineError(InProcessSuture.Run("verify", "--trust-dir", TestKeys.TrustDirectory, unsigned), ExitCode.Untrusted, $"{unsigned} is not signed; sign it with 'suture sign");
        AssertOneLineError(InProcessSuture.Run("apply", "-p", "999999", "--trust-dir", TestKeys.TrustDirectory, unsigned), ExitCode.Untrusted, $"{unsigned} is not signed");
    }

    [Fact]
    public void A_patch_signed_by_a_key_the_trust_directory_lacks_is_refused_naming_the_key()
    {
        using var directory = new TempDirectory();
        string id = InProcessSuture.Succeed("key", "generate", "-o", directory.File("stranger"), "--name", "Stranger").Stdout.Split(' ')[1];
        string patch = directory.File("stranger.patch");
        InProcessSuture.Succeed("sign", _seed.Project.PatchPath, "--key", directory.File("stranger.key"), "-o", patch);

        AssertOneLineError(InProcessSuture.Run("apply", "-p", "999999", "--trust-dir", TestKeys.TrustDirectory, patch), ExitCode.Untrusted, $"{patch} is signed by key {id} ('Stranger'), which is not in the trust directory {TestKeys.TrustDirectory}");
    }

    [Fact]
    public void A_patch_changed_after_signing_is_refused_even_with_a_recomputed_checksum()
    {
        using var directory = new TempDirectory();
        byte[] bytes = File.ReadAllBytes(_seed.Project.PatchPath);
        bytes[bytes.AsSpan().IndexOf("CODE"u8) + 12] ^= 0x01; // first byte of the code
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        string tampered = directory.File("tampered.patch");
        File.WriteAllBytes(tampered, bytes);

        AssertOneLineError(InProcessSuture.Run("verify", "--trust-dir", TestKeys.TrustDirectory, tampered), ExitCode.Untrusted, $"{tampered}: the signature of key {TestKeys.KeyId} ('{TestKeys.Name}') does not match the file's content");
        AssertOneLineError(InProcessSuture.Run("apply", "-p", "999999", "--trust-dir", TestKeys.TrustDirectory, tampered), ExitCode.Untrusted, "changed after signing");
    }

    [Fact]
    public void A_trust_directory_that_is_missing_or_writable_by_others_is_refused_naming_it()
    {
        using var directory = new TempDirectory();
        string missing = directory.File("missing");
        string open = directory.File("open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111);

        ToolResult absent = InProcessSuture.Run("apply", "-p", "999999", "--trust-dir", missing, _seed.Project.PatchPath);
        AssertOneLineError(absent, ExitCode.Untrusted, "does not exist");
        Assert.Contains(missing, absent.Stderr);
        AssertOneLineError(InProcessSuture.Run("verify", "--trust-dir", open, _seed.Project.PatchPath), ExitCode.Untrusted, $"{open} may be written by other users (mode 777)");
    }

    [Fact]
    public void Key_generate_never_overwrites_an_existing_key()
    {
        using var directory = new TempDirectory();
        string key = directory.File("release");
        InProcessSuture.Succeed("key", "generate", "-o", key);
        byte[] before = File.ReadAllBytes(key + ".key");

        AssertOneLineError(InProcessSuture.Run("key", "generate", "-o", key), ExitCode.Failure, $"{key}.key exists; refusing to overwrite a key");
        Assert.Equal(before, File.ReadAllBytes(key + ".key"));
    }

    [Fact]
    public void A_missing_patch_file_is_named()
    {
        using var directory = new TempDirectory();
        string missing = directory.File("missing.patch");

        AssertOneLineError(InProcessSuture.Run("inspect", missing), ExitCode.Failure, $"{missing}: no such patch file");
        AssertOneLineError(InProcessSuture.Run("apply", "-p", "1", missing), ExitCode.Failure, $"{missing}: no such patch file");
        AssertOneLineError(InProcessSuture.Run("status", "--all", missing), ExitCode.Failure, $"{missing}: no such patch file");
    }

    [Fact]
    public void A_directory_given_to_inspect_is_not_a_patch_file()
    {
        using var directory = new TempDirectory();

        AssertOneLineError(InProcessSuture.Run("inspect", directory.Path), ExitCode.Failure, $"{directory.Path}: is a directory, not a patch file; give a regular file");
    }

    [Fact]
    public void A_fifo_given_as_the_patch_is_refused_without_opening_it()
    {
        using var directory = new TempDirectory();
        string fifo = directory.File("p.patch");
        Assert.Equal(0, Tool.Run("mkfifo", [fifo]).ExitCode);

        AssertOneLineError(InProcessSuture.Run("inspect", fifo), ExitCode.Failure, "is a FIFO (named pipe), not a patch file");
        AssertOneLineError(InProcessSuture.Run("status", "--all", fifo), ExitCode.Failure, "is a FIFO (named pipe), not a patch file");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    [InlineData("elf")]
    public void A_file_that_is_no_patch_is_corrupt(string kind)
    {
        using var directory = new TempDirectory();
        string path = directory.File(kind + ".patch");
        switch (kind)
        {
            case "empty": File.WriteAllBytes(path, []); break;
            case "text": File.WriteAllText(path, "not a patch\n"); break;
            default: File.Copy(_seed.Project.Binary, path); break;
        }

        ToolResult result = InProcessSuture.Run("inspect", path);

        AssertOneLineError(result, ExitCode.CorruptPatch, path);
    }

    [Fact]
    public void A_patch_file_suture_may_not_read_is_refused_as_unreadable()
    {
        using var directory = new TempDirectory();
        string path = directory.File("closed.patch");
        File.Copy(_seed.Project.PatchPath, path);
        File.SetUnixFileMode(path, UnixFileMode.None);
        string[] inspect = ["inspect", path];

        // Root reads it all the same (CAP_DAC_OVERRIDE): then the patch is simply shown.
        ToolResult result = InProcessSuture.Run(inspect);

        if (result.ExitCode != 0)
        {
            AssertOneLineError(result, ExitCode.CorruptPatch, $"{path}: cannot read the patch file");
        }
        else
        {
            Assert.Contains("seed-fix", result.Stdout);
        }
    }

    [Fact]
    public void A_store_without_patches_and_a_missing_store_are_named()
    {
        using var directory = new TempDirectory();

        AssertOneLineError(InProcessSuture.Run("apply", "-p", "all", directory.Path), ExitCode.Usage, $"patch store {directory.Path} holds no *.patch files");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("revert")]
    [InlineData("gc")]
    [InlineData("apply")]
    public void A_process_that_does_not_exist_is_named(string verb)
    {
        string[] arguments = verb == "apply" ? [verb, "-p", "999999", _seed.Project.PatchPath] : [verb, "-p", "999999"];

        AssertOneLineError(InProcessSuture.Run(arguments), ExitCode.NoSuchProcess, "no process with pid 999999");
    }

    [Fact]
    public void Reverting_a_patch_the_process_does_not_run_is_nothing_to_revert()
    {
        // The binary over a child of the test host (whose waitpid bookkeeping would take the
        // target's ptrace stops from an in-process tracer); in process over a detached target in
        // TracedErrorTests.
        using RunningProgram program = _seed.Project.StartUntil();
        string pid = program.Pid.ToString();
        SutureCli.Succeed("apply", "-p", pid, _seed.Project.PatchPath);
        try
        {
            AssertOneLineError(SutureCli.Run("revert", "-p", pid, "--id", "other-fix"), ExitCode.NothingToRevert, $"process {pid} does not run patch other-fix");
        }
        finally
        {
            SutureCli.Succeed("revert", "-p", pid);
        }

        program.WaitForSteady(SeedProject.OldLine, 3, program.LineCount);
    }

    [Fact]
    public void Status_check_with_a_corrupt_patch_stops_nothing()
    {
        using RunningProgram program = _seed.Project.StartUntil();
        using var directory = new TempDirectory();
        string path = directory.File("corrupt.patch");
        byte[] bytes = File.ReadAllBytes(_seed.Project.PatchPath);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        AssertOneLineError(InProcessSuture.Run("status", "-p", program.Pid.ToString(), "--check", path), ExitCode.CorruptPatch, "checksum");
        Assert.Equal(0, LaunchedSuture.StoppedThreads(program.Pid));
    }

    [Fact]
    public void Build_refuses_a_level_below_1()
    {
        SeedProject seed = _seed.Project;
        using var directory = new TempDirectory();

        ToolResult result = InProcessSuture.Run(Build(seed, directory.File("p.patch"), "--level", "0"));

        AssertOneLineError(result, ExitCode.Usage, "--level must be 1 or more, not 0");
    }

    [Fact]
    public void Build_names_a_missing_source_tree_and_a_missing_fix()
    {
        SeedProject seed = _seed.Project;
        using var directory = new TempDirectory();
        string missing = directory.File("nowhere");

        AssertBuildError(InProcessSuture.Run("build", "--source", missing, "--patch", seed.DiffPath, "--build", seed.BuildCommand, "--target", seed.Binary, "-o", directory.File("p.patch")), ExitCode.Usage, $"source directory {missing} does not exist");
        AssertBuildError(InProcessSuture.Run("build", "--source", seed.SourceDirectory, "--patch", missing, "--build", seed.BuildCommand, "--target", seed.Binary, "-o", directory.File("p.patch")), ExitCode.Usage, $"patch file {missing} does not exist");
    }

    [Fact]
    public void Build_reports_a_failing_build_command()
    {
        SeedProject seed = _seed.Project;
        using var directory = new TempDirectory();

        ToolResult result = InProcessSuture.Run("build", "--source", seed.SourceDirectory, "--patch", seed.DiffPath, "--build", "echo broken >&2; exit 3", "--target", seed.Binary, "-o", directory.File("p.patch"));

        AssertBuildError(result, ExitCode.BuildFailed, "the build command failed in the");
        Assert.Contains("(exit 3)", result.Stderr);
        Assert.False(File.Exists(directory.File("p.patch")));
    }

    [Fact]
    public void Build_reports_a_fix_that_does_not_apply_and_one_that_changes_no_code()
    {
        SeedProject seed = _seed.Project;
        using var directory = new TempDirectory();
        string foreign = directory.Write("foreign.diff", "--- a/foo.c\n+++ b/foo.c\n@@ -1,1 +1,1 @@\n-no such line in foo.c\n+another line\n");
        string comment = seed.WriteDiff(seed.OriginalSource + "/* a comment changes no code */\n", "comment.diff");

        AssertBuildError(InProcessSuture.Run("build", "--source", seed.SourceDirectory, "--patch", foreign, "--build", seed.BuildCommand, "--target", seed.Binary, "-o", directory.File("p.patch")), ExitCode.BuildFailed, "does not apply to the source tree");
        AssertBuildError(InProcessSuture.Run("build", "--source", seed.SourceDirectory, "--patch", comment, "--build", seed.BuildCommand, "--target", seed.Binary, "-o", directory.File("p.patch")), ExitCode.BuildFailed, "changes no compiled function; nothing to patch");
    }

    [Fact]
    public void Build_refuses_a_target_the_rebuilt_original_does_not_match()
    {
        SeedProject seed = _seed.Project;
        using var directory = new TempDirectory();

        // The deployed binary was built without optimisation; this rebuild is -O2.
        ToolResult result = InProcessSuture.Run("build", "--source", seed.SourceDirectory, "--patch", seed.DiffPath, "--build", "gcc -O2 -o foo foo.c", "--target", seed.Binary, "-o", directory.File("p.patch"));

        AssertBuildError(result, ExitCode.TargetMismatch, $"the rebuilt original does not match the deployed {seed.Binary}");
    }

    private static string[] Build(SeedProject seed, string output, params string[] extra) =>
        ["build", "--source", seed.SourceDirectory, "--patch", seed.DiffPath, "--build", seed.BuildCommand, "--target", seed.Binary, "-o", output, .. extra];

    private static void AssertOneLineError(ToolResult result, ExitCode expected, string fragment) =>
        CliAssert.OneLineError(result, expected, fragment, quiet: true);

    /// <summary>build reports progress on stderr first (and a refusal may list its reasons on lines of their own): one "error:" line.</summary>
    private static void AssertBuildError(ToolResult result, ExitCode expected, string fragment)
    {
        Assert.True((int)expected == result.ExitCode, $"expected exit {(int)expected} ({expected}): {result}");
        string[] errors = result.Stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length == 1 && errors[0].Contains(fragment, StringComparison.Ordinal), $"expected one error line with '{fragment}': {result}");
        Assert.DoesNotContain("internal failure", result.Stderr);
        Assert.Equal("", result.Stdout);
    }
}
