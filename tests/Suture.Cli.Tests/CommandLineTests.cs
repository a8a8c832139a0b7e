using System.Diagnostics;
using System.Text.Json;
using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// Bad command lines and odd inputs (issue 10, item 8 and 9): exit 2 for a bad command line, one
/// line naming the problem, no "internal failure", nothing that blocks, and the real reason when
/// the kernel refuses access. Strings from a patch file never reach the terminal raw.
/// </summary>
public sealed class CommandLineTests : IClassFixture<ErrorTests.BuiltSeed>
{
    private readonly ErrorTests.BuiltSeed _seed;

    public CommandLineTests(ErrorTests.BuiltSeed seed)
    {
        _seed = seed;
    }

    [Theory]
    [InlineData("apply", "x.patch")]
    [InlineData("apply", "-p")]
    [InlineData("revert")]
    [InlineData("apply", "-p", "1", "--frobnicate", "x.patch")]
    [InlineData("frobnicate")]
    [InlineData("inspect")]
    [InlineData("apply", "-p", "1", "--timeout", "abc", "x.patch")]
    [InlineData("apply", "-p", "1", "--timeout", "nan", "x.patch")]
    [InlineData("apply", "-p", "1", "--timeout", "1e308", "x.patch")]
    [InlineData("apply", "-p", "1", "--timeout", "0", "x.patch")]
    [InlineData("apply", "-p", "1", "--timeout", "-1", "x.patch")]
    [InlineData("revert", "-p", "1", "--timeout", "infinity")]
    public void A_bad_command_line_exits_2_with_one_line(params string[] arguments)
    {
        ToolResult result = InProcessSuture.Run(arguments);

        AssertOneLineError(result, ExitCode.Usage, "--help");
        Assert.DoesNotContain("internal failure", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void An_unknown_command_is_named_with_the_commands_there_are()
    {
        AssertOneLineError(InProcessSuture.Run("frobnicate"), ExitCode.Usage, "unknown command 'frobnicate'; the commands are build, inspect, apply");
    }

    [Fact]
    public void Each_command_built_alone_is_the_one_the_whole_line_has_with_the_same_help()
    {
        using var console = new CapturedConsole();
        var whole = SutureCommandLine.Create(console);
        Assert.Equal(whole.Subcommands.Select(c => c.Name), SutureCommandLine.CommandNames);
        foreach (string name in SutureCommandLine.CommandNames)
        {
            var alone = SutureCommandLine.Create(console, name);
            Assert.Equal(name, Assert.Single(alone.Subcommands).Name);
            Assert.Equal(Help(SutureCommandLine.Create(console), name), Help(alone, name));
        }

        Assert.Equal(InProcessSuture.Run("--version").Stdout, Help(SutureCommandLine.Create(console), "--version"));
    }

    private static string Help(System.CommandLine.RootCommand root, params string[] arguments)
    {
        var output = new StringWriter();
        root.Parse([.. arguments, .. arguments[0] == "--version" ? Array.Empty<string>() : ["--help"]]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output, Error = output });
        return output.ToString();
    }

    [Fact]
    public void A_directory_suture_may_not_read_is_refused_as_a_store_in_one_line()
    {
        using RunningProgram program = _seed.Project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        ToolResult result = InProcessSuture.Run("apply", "-p", program.Pid.ToString(), "/proc");

        AssertOneLineError(result, ExitCode.CorruptPatch, "patch store /proc: cannot read it");
        Assert.DoesNotContain("internal failure", result.Stderr);
    }

    [Fact]
    public void A_fifo_as_the_patch_file_is_refused_at_once()
    {
        using var directory = new TempDirectory();
        string fifo = directory.File("p.patch");
        Assert.Equal(0, Tool.Run("mkfifo", [fifo]).ExitCode);
        var clock = Stopwatch.StartNew();

        ToolResult result = InProcessSuture.Run("inspect", fifo);

        AssertOneLineError(result, ExitCode.Failure, "is a FIFO (named pipe), not a patch file");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("revert")]
    [InlineData("apply")]
    public void A_thread_id_is_refused_naming_its_process(string verb)
    {
        using var project = new SeedProject(TestTargets.Spinner, "gcc -pthread -o foo foo.c");
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == "alive");
        int thread = OtherThread(program.Pid);
        string[] arguments = verb == "apply" ? [verb, "-p", thread.ToString(), _seed.Project.PatchPath] : [verb, "-p", thread.ToString()];

        ToolResult result = InProcessSuture.Run(arguments);

        AssertOneLineError(result, ExitCode.Usage, $"-p {thread} is a thread of process {program.Pid} (foo), not a process; give -p {program.Pid}");
    }

    [Fact]
    public void A_tracer_on_another_thread_is_named()
    {
        using var project = new SeedProject(TestTargets.Spinner, "gcc -pthread -o foo foo.c");
        Assert.Equal(0, project.BuildPatch().ExitCode);
        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == "alive");
        int thread = OtherThread(program.Pid);
        using var strace = System.Diagnostics.Process.Start(new ProcessStartInfo("strace", ["-o", "/dev/null", "-p", thread.ToString()]) { RedirectStandardError = true })!;
        try
        {
            Wait.Until(() => ProcStatus.ReadThread(program.Pid, thread)?.Number("TracerPid") == strace.Id, TimeSpan.FromSeconds(30), "strace to attach");

            ToolResult result = SutureCli.Run("apply", "-p", program.Pid.ToString(), "--timeout", "1", project.PatchPath);

            AssertOneLineError(result, ExitCode.PermissionDenied, $"its thread {thread} is already traced by process {strace.Id} (strace; a debugger?); detach that first");
        }
        finally
        {
            strace.Kill();
            strace.WaitForExit();
        }

        int now = program.LineCount;
        program.WaitForLine(l => l == "alive", now);
    }

    /// <summary>
    /// Root with CAP_SYS_PTRACE and still refused: the reason is a security module. This is why
    /// process 1 of the development machine cannot be traced: its init runs everything else in a
    /// Landlock domain, and a process in a domain may not trace one outside it.
    /// </summary>
    [Fact]
    public void Refused_by_a_security_module_although_root_the_message_says_so()
    {
        using var directory = new TempDirectory();
        string sandboxed = Gcc.Compile(File.ReadAllText(TestTargets.Sandboxed), directory.File("sandboxed"));
        using RunningProgram program = _seed.Project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);

        ToolResult result = Tool.Run(sandboxed, [SutureCli.Path, "apply", "-p", program.Pid.ToString(), _seed.Project.PatchPath]);

        AssertOneLineError(result, ExitCode.PermissionDenied, "suture runs as uid 0 with CAP_SYS_PTRACE and the process has no tracer, so a security module refuses it");
        Assert.DoesNotContain("run suture as root", result.Stderr);
        int now = program.LineCount;
        program.WaitForSteady(SeedProject.OldLine, 3, now);
    }

    [Fact]
    public void Control_characters_from_a_patch_file_are_escaped_in_text_and_kept_exactly_in_json()
    {
        using var project = new SeedProject(TestTargets.Looper, "gcc -o foo foo.c");
        const string description = "fix\u001b[2J\u001b[H\nforged: line\r\u202eevil\u0007";
        Assert.Equal(0, project.BuildPatch("--id", "id\u001b]0;title\u0007", "--description", description, "--cve", "CVE-1\u001b[31m").ExitCode);

        ToolResult text = SutureCli.Succeed("inspect", project.PatchPath);
        Assert.DoesNotContain('\u001b', text.Stdout);
        Assert.DoesNotContain('\r', text.Stdout);
        Assert.DoesNotContain('\u202e', text.Stdout);
        Assert.DoesNotContain('\u0007', text.Stdout);
        Assert.Contains(@"description: fix\x1b[2J\x1b[H\nforged: line\r\u202eevil\x07", text.Stdout);
        Assert.Contains(@"patch:       id\x1b]0;title\x07", text.Stdout);
        Assert.Contains(@"cves:        CVE-1\x1b[31m", text.Stdout);
        Assert.DoesNotContain(text.Stdout.Split('\n'), l => l.StartsWith("forged", StringComparison.Ordinal));

        ToolResult json = SutureCli.Succeed("inspect", "--json", project.PatchPath);
        Assert.DoesNotContain('\u001b', json.Stdout);
        using JsonDocument document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(description, FindString(document.RootElement, "description"));

        using RunningProgram program = project.Start();
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString();
        ToolResult applied = SutureCli.Succeed("apply", "-p", pid, project.PatchPath);
        Assert.Contains(@"applied id\x1b]0;title\x07 (level 1)", applied.Stdout);
        ToolResult status = SutureCli.Succeed("status", "-p", pid);
        Assert.DoesNotContain('\u001b', status.Stdout);
        Assert.Contains(@"fix\x1b[2J\x1b[H\nforged: line", status.Stdout);
        ToolResult again = SutureCli.Run("apply", "-p", pid, project.PatchPath);
        Assert.Equal((int)ExitCode.AlreadyApplied, again.ExitCode);
        Assert.DoesNotContain('\u001b', again.Stderr);
        Assert.DoesNotContain('\u001b', SutureCli.Succeed("revert", "-p", pid).Stdout);
    }

    private static string? FindString(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Name == name && property.Value.ValueKind == JsonValueKind.String)
                {
                    return property.Value.GetString();
                }

                if (FindString(property.Value, name) is string found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    private static int OtherThread(int pid)
    {
        int thread = 0;
        Wait.Until(() => (thread = Directory.GetDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d))).FirstOrDefault(t => t != pid)) != 0, TimeSpan.FromSeconds(30), "a second thread");
        return thread;
    }

    private static void AssertOneLineError(ToolResult result, ExitCode expected, string fragment) =>
        CliAssert.OneLineError(result, expected, fragment);
}
