using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// The error paths of <c>suture kernel</c>, in process: build's checks of its inputs (output
/// name, fix, headers, source tree, configuration, what the fix changes) before anything is
/// built, and apply's and revert's checks of the module and of the kernel's livepatch support.
/// A module that is loaded and reverted for real is in tests/kernel (a VM). The build inputs here
/// are directories laid out as kbuild's are, with no kernel in them: every case fails before make runs.
/// </summary>
public sealed class KernelErrorTests
{
    private static readonly bool Livepatch = Directory.Exists("/sys/kernel/livepatch");

    [Theory]
    [InlineData("kernel frobnicate", "unknown command 'frobnicate'; the commands of 'suture kernel' are build, sign, apply, revert, status (see 'suture kernel --help')")]
    [InlineData("kernel build --source s --patch p -o fix.ko", "Option '--config' is required")]
    [InlineData("kernel apply", "Required argument missing")]
    [InlineData("kernel apply fix.ko --timeout 0", "--timeout expects seconds more than 0 and at most 86400, not '0'")]
    [InlineData("kernel revert fix --timeout soon", "--timeout expects seconds more than 0 and at most 86400, not 'soon'")]
    public void A_bad_kernel_command_line_is_exit_2(string line, string fragment)
    {
        CliAssert.OneLineError(InProcessSuture.Run(line.Split(' ')), ExitCode.Usage, fragment, quiet: true);
    }

    [Theory]
    [InlineData("fix.o", "-o {0}/fix.o: a kernel module's file name ends in .ko (e.g. fix.ko)")]
    [InlineData(".ko", "a kernel module's file name ends in .ko")]
    [InlineData("1fix.ko", "the module name 1fix must be letters, digits and _ (at most 55), starting with a letter")]
    [InlineData("fix.2.ko", "the module name fix.2 must be letters")]
    public void Build_refuses_an_output_that_is_no_module_name(string output, string fragment)
    {
        using var inputs = new BuildInputs();

        ToolResult result = InProcessSuture.Run(inputs.Build(output: inputs.Directory.File(output)));

        CliAssert.OneLineError(result, ExitCode.Usage, string.Format(System.Globalization.CultureInfo.InvariantCulture, fragment, inputs.Directory.Path), quiet: true);
    }

    [Fact]
    public void Build_names_a_missing_fix_headers_source_tree_and_configuration()
    {
        using var inputs = new BuildInputs();
        string missing = inputs.Directory.File("missing");

        CliAssert.OneLineError(InProcessSuture.Run(inputs.Build(patch: missing)), ExitCode.Usage, $"--patch {missing}: no such file", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run(inputs.Build(headers: missing)), ExitCode.Usage, $"--headers {missing}: not the headers of a kernel build (no Makefile and Module.symvers; install or unpack linux-headers", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run(inputs.Build(source: missing)), ExitCode.Usage, $"--source {missing}: not a kernel source tree (no Makefile and Kbuild at its top)", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run(inputs.Build(config: missing)), ExitCode.Usage, $"--config {missing}: no such file (the target kernel's config", quiet: true);
    }

    [Fact]
    public void Build_refuses_a_tree_configured_otherwise_than_the_running_kernel()
    {
        using var inputs = new BuildInputs();
        string other = inputs.Directory.Write("other.config", "CONFIG_LIVEPATCH=y\nCONFIG_SMP=n\n");

        ToolResult result = InProcessSuture.Run(inputs.Build(config: other));

        CliAssert.OneLineError(result, ExitCode.Usage, $"its .config differs from {other} (CONFIG_SMP=n but y)", quiet: true);
    }

    [Theory]
    [InlineData("a comment, no diff\n", ExitCode.Usage, "names no file (a unified diff with +++ lines, -p1)")]
    [InlineData("--- a/kernel/fork.c\n+++ /dev/null\n", ExitCode.Unpatchable, "deletes a file; a live patch changes functions of existing objects")]
    [InlineData("--- a/include/linux/sched.h\n+++ b/include/linux/sched.h\n", ExitCode.Unpatchable, "changes include/linux/sched.h; only .c files are built so far")]
    [InlineData("--- a/../outside.c\n+++ b/../outside.c\n", ExitCode.Usage, "path ../outside.c leaves the source tree")]
    public void Build_refuses_a_fix_it_cannot_build(string diff, ExitCode expected, string fragment)
    {
        using var inputs = new BuildInputs();
        string patch = inputs.Directory.Write("fix.diff", diff);

        ToolResult result = InProcessSuture.Run(inputs.Build(patch: patch));

        CliAssert.OneLineError(result, expected, $"--patch {patch}: {fragment}", quiet: true);
    }

    [Fact]
    public void Apply_and_revert_name_a_missing_module()
    {
        using var directory = new TempDirectory();
        string missing = directory.File("fix.ko");

        CliAssert.OneLineError(InProcessSuture.Run("kernel", "apply", missing), ExitCode.Usage, $"{missing}: no such file (a livepatch module built by suture kernel build)", quiet: true);
        CliAssert.OneLineError(InProcessSuture.Run("kernel", "revert", missing), ExitCode.Usage, $"{missing}: no such file", quiet: true);
    }

    [Theory]
    [InlineData("empty", "not a kernel module: ")]
    [InlineData("text", "not a kernel module: ")]
    [InlineData("object", "not a kernel module (no .modinfo section)")]
    [InlineData("nameless", "the module names itself nowhere (no name= in .modinfo)")]
    [InlineData("plain", "module fix_1 is not a livepatch module (no livepatch=Y in its module info); build it with suture kernel build")]
    public void Apply_refuses_a_file_that_is_no_livepatch_module(string kind, string fragment)
    {
        using var directory = new TempDirectory();
        string module = directory.File("fix_1.ko");
        switch (kind)
        {
            case "empty": File.WriteAllBytes(module, []); break;
            case "text": File.WriteAllText(module, "not a module\n"); break;
            case "object": Gcc.Compile("int fix(void) { return 1; }\n", module, "-c"); break;
            case "nameless": Module(module, "license=GPL"); break;
            default: Module(module, "license=GPL\\0name=fix_1"); break;
        }

        ToolResult result = InProcessSuture.Run("kernel", "apply", module);

        CliAssert.OneLineError(result, ExitCode.CorruptPatch, $"{module}: {fragment}", quiet: true);
    }

    [Fact]
    public void Apply_and_revert_without_livepatch_support_say_so_and_revert_of_a_patch_not_loaded_is_nothing_to_revert()
    {
        using var directory = new TempDirectory();
        string module = Module(directory.File("fix_1.ko"), "license=GPL\\0name=fix_1\\0livepatch=Y");

        if (!Livepatch)
        {
            // The module is not even read by the kernel: the support is checked first.
            CliAssert.OneLineError(InProcessSuture.Run("kernel", "apply", module), ExitCode.Unpatchable, "this kernel has no livepatch support (/sys/kernel/livepatch is missing; it needs CONFIG_LIVEPATCH=y)", quiet: true);
            CliAssert.OneLineError(InProcessSuture.Run("kernel", "revert", "fix_1"), ExitCode.Unpatchable, "this kernel has no livepatch support", quiet: true);
            Assert.Contains("no livepatch support (CONFIG_LIVEPATCH)", InProcessSuture.Succeed("kernel", "status").Stdout);
        }
        else
        {
            // A livepatch module for a kernel that can load it: then the signature is checked, before the kernel sees it.
            CliAssert.OneLineError(InProcessSuture.Run("kernel", "apply", module), ExitCode.Untrusted, $"{module} is not signed; sign it with 'suture kernel sign", quiet: true);
            CliAssert.OneLineError(InProcessSuture.Run("kernel", "revert", "suture_test_not_loaded"), ExitCode.NothingToRevert, "livepatch suture_test_not_loaded is not loaded (no /sys/kernel/livepatch/suture_test_not_loaded); suture kernel status lists the loaded ones", quiet: true);
        }

        CliAssert.OneLineError(InProcessSuture.Run("kernel", "revert", module), Livepatch ? ExitCode.NothingToRevert : ExitCode.Unpatchable, Livepatch ? "livepatch fix_1 is not loaded" : "no livepatch support", quiet: true);
    }

    /// <summary>A relocatable object with a <c>.modinfo</c> section of the given fields (C escapes): a module's info, not a loadable module.</summary>
    private static string Module(string path, string fields) =>
        Gcc.Compile($"static const char modinfo[] __attribute__((section(\".modinfo\"), used)) = \"{fields}\";\n", path, "-c");

    /// <summary>The inputs of <c>kernel build</c> laid out as kbuild's are: a configured and prepared tree, its configuration, headers; no kernel code.</summary>
    private sealed class BuildInputs : IDisposable
    {
        private const string Config = "CONFIG_LIVEPATCH=y\nCONFIG_SMP=y\n";

        public BuildInputs()
        {
            Source = Directory.File("linux");
            Headers = Directory.File("headers");
            foreach (string file in new[] { "linux/Makefile", "linux/Kbuild", "linux/include/generated/autoconf.h", "headers/Makefile", "headers/Module.symvers" })
            {
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Directory.File(file))!);
                File.WriteAllText(Directory.File(file), "");
            }

            File.WriteAllText(Path.Combine(Source, ".config"), Config);
            ConfigFile = Directory.Write("config", Config);
            Patch = Directory.Write("fix.diff", "--- a/kernel/fork.c\n+++ b/kernel/fork.c\n");
        }

        public TempDirectory Directory { get; } = new();

        public string Source { get; }

        public string Headers { get; }

        public string ConfigFile { get; }

        public string Patch { get; }

        public string[] Build(string? source = null, string? patch = null, string? config = null, string? headers = null, string? output = null) =>
        [
            "kernel", "build", "--source", source ?? Source, "--patch", patch ?? Patch, "--config", config ?? ConfigFile,
            "--headers", headers ?? Headers, "-o", output ?? Directory.File("fix.ko"),
        ];

        public void Dispose() => Directory.Dispose();
    }
}
