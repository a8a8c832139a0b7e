using System.Globalization;
using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// New code that reads and writes thread-local variables in every model gcc emits
/// (TestTargets/tls): the library's own through <c>__tls_get_addr</c> (general- and
/// local-dynamic) and through its GOT (initial-exec), the executable's own (local-exec), another
/// file's of the executable and the library's from the executable (initial-exec).
/// </summary>
public sealed class ThreadLocalTests
{
    private const string LibraryOld = "printf(\"library unpatched\\n\");";
    private const string LibraryNew = "printf(\"library patched %d %d %d\\n\", lib_tls, lib_hidden_tls, lib_fast_tls);";
    private const string ExecutableOld = "exe_tls++;\n    other_tls++;\n    printf(\"i'm unpatched!\\n\");";
    private const string ExecutableNew = "exe_tls += 2;\n    other_tls += 2;\n    printf(\"exe patched %d %d %d\\n\", exe_tls, other_tls, lib_tls);";

    [Fact]
    public void New_code_reads_and_writes_thread_locals_of_the_executable_and_of_a_library()
    {
        using var project = new MakeProject("tls");
        string libraryPatch = project.BuildPatch("lib.c", LibraryOld, LibraryNew, "libtls.so", "tls-lib");
        string executablePatch = project.BuildPatch("main.c", ExecutableOld, ExecutableNew, "foo", "tls-exe");
        Assert.Contains("needs thread-local lib_tls from another object", SutureCli.Succeed("inspect", executablePatch).Stdout);
        using (JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", "--json", executablePatch).Stdout))
        {
            Assert.Contains(json.RootElement.GetProperty("needs").EnumerateArray(), n => n.GetProperty("symbol").GetString() == "lib_tls" && n.GetProperty("threadLocal").GetBoolean());
        }

        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == SeedProject.OldLine);
        string pid = program.Pid.ToString(CultureInfo.InvariantCulture);

        SutureCli.Succeed("apply", "-p", pid, libraryPatch);
        int library = program.WaitForLine(l => l.StartsWith("library patched ", StringComparison.Ordinal));
        SutureCli.Succeed("apply", "-p", pid, executablePatch);
        int executable = program.WaitForLine(l => l.StartsWith("exe patched ", StringComparison.Ordinal), library);
        program.WaitForLine(l => l.StartsWith("exe patched ", StringComparison.Ordinal), executable + 4);

        IReadOnlyList<string> lines = program.Lines(library);
        int[]? lastLibrary = null;
        int[]? lastExecutable = null;
        foreach (string line in lines.Take(executable + 5 - library))
        {
            if (line.StartsWith("library patched ", StringComparison.Ordinal))
            {
                int[] values = Numbers(line);
                // All are incremented once per call from 100, 7 and 50: reading the right variables keeps them apart by 93 and 43.
                Assert.True(values[0] - values[1] == 93 && values[2] - values[1] == 43, line);
                Assert.True(lastLibrary is null || values[0] == lastLibrary[0] + 1, $"{line} after {lastLibrary?[0]}");
                lastLibrary = values;
            }
            else if (line.StartsWith("exe patched ", StringComparison.Ordinal))
            {
                int[] values = Numbers(line);
                Assert.True(values[1] - values[0] == 1000, line);
                Assert.True(lastExecutable is null || values[0] == lastExecutable[0] + 2, $"{line} after {lastExecutable?[0]}");
                Assert.True(lastLibrary is not null && values[2] == lastLibrary[0], $"{line}: the library's lib_tls is {lastLibrary?[0]}");
                lastExecutable = values;
            }
        }

        Assert.NotNull(lastExecutable);
        SutureCli.Succeed("revert", "-p", pid, "--id", "tls-exe");
        SutureCli.Succeed("revert", "-p", pid);
        int back = program.WaitForLine(l => l == SeedProject.OldLine, program.LineCount + 1);
        program.WaitForLine(l => l == "library unpatched", back);
    }

    private static int[] Numbers(string line) =>
        line.Split(' ').Skip(2).Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
}
