using System.Globalization;
using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// New code that reads and writes thread-local variables in every model gcc emits
/// (TestTargets/tls), in two threads that each have their own copies: the library's own through
/// <c>__tls_get_addr</c> (general- and local-dynamic) and through its GOT (initial-exec), the
/// executable's own (local-exec), another file's of the executable and the library's from the
/// executable (initial-exec).
/// </summary>
public sealed class ThreadLocalTests
{
    private const string LibraryOld = "printf(\"library unpatched\\n\");";
    private const string LibraryNew = "printf(\"library patched %d %d %d\\n\", lib_tls, lib_hidden_tls, lib_fast_tls);";
    private const string ExecutableOld = "exe_tls++;\n    other_tls++;\n    printf(\"i'm unpatched!\\n\");";
    private const string ExecutableNew = "exe_tls += 2;\n    other_tls += 2;\n    printf(\"exe patched %d %d %d %d\\n\", thread_tag, exe_tls, other_tls, lib_tls - lib_fast_tls);";

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
        int executable = program.WaitForLine(l => l.StartsWith("exe patched 1 ", StringComparison.Ordinal), library);
        program.WaitForLine(l => l.StartsWith("exe patched 0 ", StringComparison.Ordinal), executable);
        int end = program.WaitForLine(l => l.StartsWith("exe patched ", StringComparison.Ordinal), program.LineCount + 8);

        var lastByThread = new Dictionary<int, int>();
        int libraryLines = 0;
        foreach (string line in program.Lines(library).Take(end + 1 - library))
        {
            if (line.StartsWith("library patched ", StringComparison.Ordinal))
            {
                // Each thread increments all three once per call from 100, 7 and 50: reading the
                // right variables of the calling thread keeps them apart by 93 and 43.
                int[] v = Numbers(line);
                Assert.True(v[0] - v[1] == 93 && v[2] - v[1] == 43, line);
                libraryLines++;
            }
            else if (line.StartsWith("exe patched ", StringComparison.Ordinal))
            {
                int[] v = Numbers(line);
                Assert.True(v[2] - v[1] == 1000, line);
                Assert.True(v[3] == 50, $"{line}: lib_tls - lib_fast_tls read from the executable");
                // Each thread's own copy grows by exactly 2 per call: the threads do not share one.
                Assert.True(!lastByThread.TryGetValue(v[0], out int last) || v[1] == last + 2, $"{line} after {last} in thread {v[0]}");
                lastByThread[v[0]] = v[1];
            }
        }

        Assert.True(libraryLines > 2);
        Assert.Equal([0, 1], lastByThread.Keys.Order());
        SutureCli.Succeed("revert", "-p", pid, "--id", "tls-exe");
        SutureCli.Succeed("revert", "-p", pid);
        int back = program.WaitForLine(l => l == SeedProject.OldLine, program.LineCount + 2);
        program.WaitForLine(l => l == "library unpatched", back);
    }

    private static int[] Numbers(string line) =>
        line.Split(' ').Skip(2).Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
}
