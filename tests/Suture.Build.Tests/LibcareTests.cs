using System.Globalization;
using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// libcare's test programs and their fixes (tests/NAME/NAME.c and NAME.diff of the peer's source,
/// /work/shared/peers), built the way libcare builds them (make's default flags, no
/// optimisation: every literal of a file in one <c>.rodata</c>): each patch replaces exactly the
/// functions the diff touches and is applied to the running program, whose output then passes
/// libcare's own check; the fixes libcare expects to fail fail too (apply gives up unharmed, or
/// the build is refused naming the loop).
/// </summary>
public sealed class LibcareTests
{
    private const string Tarball = "/work/shared/peers/libcare-40f1243.tar.gz";

    /// <summary>
    /// Each test program runs (its output unbuffered, as run_tests.sh runs it with
    /// <c>stdbuf -o 0</c>), the patch is applied to it, and its output passes libcare's own check
    /// (check_result of run_tests.sh): a line saying PATCHED (simplest: no UNPATCHED line any more;
    /// ref_orig_threads: thread2 patched,
    /// thread1 still not; fail_unpatch: and reverting is refused, since the new code never returns).
    /// </summary>
    [Theory]
    [InlineData("simplest", "print_greetings")]
    [InlineData("fail_unpatch", "print_greetings")]
    [InlineData("frame_finish", "local_print_greetings")]
    [InlineData("new_func", "print_greetings")]
    [InlineData("ref_glibc", "print_greetings")]
    [InlineData("ref_glibc_data", "local_print_greetings")]
    [InlineData("ref_orig_single", "print_greetings")]
    [InlineData("ref_orig_threads", "print_greetings2")]
    [InlineData("ref_rodata", "get_msg")]
    [InlineData("tls_simple", "print_greetings")]
    public void A_test_program_is_patched_in_exactly_the_functions_its_diff_changes(string test, string functions)
    {
        using var project = Unpack(test, out string command);
        ToolResult built = project.BuildPatch(Path.Combine(project.Source, test + ".diff"), command, project.File("p.patch"), [test]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Equal(functions.Split(','), Functions(project.File("p.patch")));
        using RunningProgram program = Run(project, test);
        program.WaitForLine(l => l.Contains("UNPATCHED", StringComparison.Ordinal));
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(CultureInfo.InvariantCulture), project.File("p.patch"));
        if (test == "ref_orig_threads")
        {
            int at = program.WaitForLine(l => l.Contains("thread2 (PATCHED)", StringComparison.Ordinal), before);
            program.WaitForLine(l => l.Contains("thread1 (UNPATCHED)", StringComparison.Ordinal), at);
            return;
        }

        if (test == "simplest")
        {
            // The fix silences print_greetings: once two lines of print_second_greetings follow each
            // other (lines printed before the apply may still be on their way), every later one is that.
            static bool Another(string l) => l.Contains("another function", StringComparison.Ordinal);
            int from = before;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "print_greetings still prints after the apply:\n" + string.Join('\n', program.Lines(before)));
                int second = program.WaitForLine(Another, from);
                int next = program.WaitForLine(_ => true, second + 1);
                if (Another(program.Lines(next)[0]))
                {
                    Assert.True(Another(program.Lines(program.WaitForLine(_ => true, next + 1))[0]), string.Join('\n', program.Lines(before)));
                    return;
                }

                from = next;
            }
        }

        int patched = program.WaitForLine(IsPatched, before);
        if (test == "fail_unpatch")
        {
            ToolResult reverted = SutureCli.Run("revert", "-p", program.Pid.ToString(CultureInfo.InvariantCulture), "--timeout", "2");
            Assert.True(reverted.ExitCode != 0, reverted.ToString());
            program.WaitForLine(IsPatched, program.LineCount);
            Assert.DoesNotContain(program.Lines(patched), l => l.Contains("UNPATCHED", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The fail_busy tests: the function the fix changes is always on a stack, so libcare expects
    /// the patch to fail and the program to go on unpatched. suture builds the patch, and apply
    /// gives up after its timeout, leaving the process running the old code.
    /// </summary>
    [Theory]
    [InlineData("fail_busy_single", "do_work")]
    [InlineData("fail_busy_threads", "thread2_func")]
    [InlineData("fail_threading", "payload")]
    public void A_fix_of_a_function_always_on_a_stack_is_built_and_its_apply_gives_up_unharmed(string test, string functions)
    {
        using var project = Unpack(test, out string command);
        ToolResult built = project.BuildPatch(Path.Combine(project.Source, test + ".diff"), command, project.File("p.patch"), [test]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Equal(functions.Split(','), Functions(project.File("p.patch")));
        using RunningProgram program = Run(project, test);
        program.WaitForLine(l => l.Contains("UNPATCHED", StringComparison.Ordinal));
        ToolResult applied = SutureCli.Run("apply", "-p", program.Pid.ToString(CultureInfo.InvariantCulture), "--timeout", "2", project.File("p.patch"));

        Assert.True(applied.ExitCode != 0, applied.ToString());
        int after = program.LineCount;
        program.WaitForLine(l => l.Contains("UNPATCHED", StringComparison.Ordinal), after);
        Assert.DoesNotContain(program.Lines(after), IsPatched);
    }

    [Theory]
    [InlineData("fail_busy_single_top", "do_work2")]
    [InlineData("fail_coro", "func")]
    public void A_fix_of_a_loop_that_never_returns_is_refused_naming_it(string test, string function)
    {
        using var project = Unpack(test, out string command);
        ToolResult built = project.BuildPatch(Path.Combine(project.Source, test + ".diff"), command, project.File("p.patch"), [test]);

        Assert.True(built.ExitCode == 11, built.ToString());
        Assert.Contains($"{test}.c: {function}: the fix changes {function}; {function} loops forever", built.Stderr);
    }

    /// <summary>
    /// Tests with a shared library the program links (<c>libNAME.so</c>, built with -fPIC and
    /// -shared as makefile.inc does): the fix in the library (shared*, tls_shared), in the program
    /// calling an IFUNC of the library (ifunc), or in both (both: one patch for each), each
    /// applied to the running program, whose output then passes libcare's check.
    /// </summary>
    [Theory]
    [InlineData("shared", "print_greetings")]
    [InlineData("shared_ref_glibc", "print_greetings")]
    [InlineData("tls_shared", "print_greetings")]
    [InlineData("ifunc", "local_print_greetings")]
    [InlineData("both", "local_print_greetings|print_greetings")]
    public void A_library_test_is_patched_in_exactly_the_functions_its_diff_changes(string test, string functions)
    {
        using var project = Unpack(test, out string command, library: true);
        string[] diffs = Directory.EnumerateFiles(project.Source, "*.diff").Order(StringComparer.Ordinal).ToArray();
        string diff = project.Write("fix.diff", string.Concat(diffs.Select(File.ReadAllText)));
        string[] targets = diffs.Select(d => Path.GetFileNameWithoutExtension(d)).Select(n => n.StartsWith("lib", StringComparison.Ordinal) ? n + ".so" : n).ToArray();
        string output = targets.Length == 1 ? project.File("p.patch") : project.File("patches");
        ToolResult result = project.BuildPatch(diff, command, output, targets);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] patches = targets.Length == 1 ? [output] : targets.Select(t => Path.Combine(output, t + ".patch")).ToArray();
        Assert.Equal(functions.Split('|'), patches.Select(p => string.Join(',', Functions(p))));
        using RunningProgram program = Run(project, test);
        program.WaitForLine(l => l.Contains("UNPATCHED", StringComparison.Ordinal));
        foreach (string patch in patches)
        {
            SutureCli.Succeed("apply", "-p", program.Pid.ToString(CultureInfo.InvariantCulture), patch);
        }

        // A line printed before the last apply may still be on its way: look from the one after.
        int before = program.LineCount + 1;
        if (test == "both")
        {
            int at = program.WaitForLine(l => l.Contains("PATCHED binary", StringComparison.Ordinal), before + 1);
            Assert.Contains("Hello from PATCHED shared library", program.Lines(at - 1)[0]);
            return;
        }

        program.WaitForLine(IsPatched, before);
    }

    /// <summary>libcare's check: a line that says PATCHED as a word (UNPATCHED does not count).</summary>
    private static bool IsPatched(string line)
    {
        for (int at = line.IndexOf("patched", StringComparison.OrdinalIgnoreCase); at >= 0; at = line.IndexOf("patched", at + 1, StringComparison.OrdinalIgnoreCase))
        {
            if (at == 0 || !char.IsLetterOrDigit(line[at - 1]))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Functions(string patch)
    {
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", patch, "--json").Stdout);
        return json.RootElement.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("symbol").GetString()!).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The deployed program, run as run_tests.sh runs it: its libraries beside it, its output unbuffered.</summary>
    private static RunningProgram Run(CProject project, string test) =>
        RunningProgram.Start("/usr/bin/env", $"LD_LIBRARY_PATH={project.Deploy}", "stdbuf", "-o0", project.Deployed(test));

    /// <summary>The test's files in a project built like libcare's makefile.inc does: compile, then link with the test's LDLIBS.</summary>
    private static CProject Unpack(string test, out string command, bool library = false)
    {
        Assert.True(File.Exists(Tarball), $"libcare's source {Tarball} is missing");
        using var scratch = new TempDirectory("suture-libcare");
        ToolResult unpacked = Tool.Run("tar", ["xzf", Tarball, "-C", scratch.Path, $"libcare/tests/{test}"]);
        Assert.True(unpacked.ExitCode == 0, unpacked.ToString());
        string directory = Path.Combine(scratch.Path, "libcare", "tests", test);
        string libraries = File.ReadAllLines(Path.Combine(directory, "Makefile"))
            .Where(l => l.StartsWith("LDLIBS", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim())
            .FirstOrDefault() ?? "";
        string flags = string.Join(' ', File.ReadAllLines(Path.Combine(directory, "Makefile"))
            .Where(l => l.StartsWith("CFLAGS", StringComparison.Ordinal)).Select(l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim()));
        command = library
            ? $"cc {flags} -fPIC -c lib{test}.c -o lib{test}.o && cc -shared lib{test}.o -o lib{test}.so && cc {flags} -c {test}.c -o {test}.o && cc {test}.o -L. -l{test} {libraries} -o {test}"
            : $"cc -c {test}.c -o {test}.o && cc {test}.o {libraries} -o {test}";
        var files = Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".c", StringComparison.Ordinal) || f.EndsWith(".diff", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        return new CProject("libcare-" + test, command, files);
    }
}
