using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// libcare's test programs and their fixes (tests/NAME/NAME.c and NAME.diff of the peer's source,
/// /work/shared/peers), built the way libcare builds them (make's default flags, no
/// optimisation: every literal of a file in one <c>.rodata</c>): each patch replaces exactly the
/// functions the diff touches, and the fixes libcare expects to fail are refused naming the loop.
/// </summary>
public sealed class LibcareTests
{
    private const string Tarball = "/work/shared/peers/libcare-40f1243.tar.gz";

    [Theory]
    [InlineData("simplest", "print_greetings")]
    [InlineData("fail_unpatch", "print_greetings")]
    [InlineData("fail_busy_single", "do_work")]
    [InlineData("fail_busy_threads", "thread2_func")]
    [InlineData("fail_threading", "payload")]
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
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal(functions.Split(','), json.RootElement.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("symbol").GetString()!).Order());
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

    /// <summary>Tests whose fix is in a shared library the program links (<c>libNAME.so</c>, built with -fPIC and -shared as makefile.inc does).</summary>
    [Theory]
    [InlineData("shared", "print_greetings")]
    [InlineData("shared_ref_glibc", "print_greetings")]
    [InlineData("tls_shared", "print_greetings")]
    public void A_library_test_is_patched_in_exactly_the_functions_its_diff_changes(string test, string functions)
    {
        using var project = Unpack(test, out string command, library: true);
        ToolResult result = project.BuildPatch(Path.Combine(project.Source, $"lib{test}.diff"), command, project.File("p.patch"), [$"lib{test}.so"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal(functions.Split(','), json.RootElement.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("symbol").GetString()!).Order());
    }

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
