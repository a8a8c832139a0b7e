using System.Text.RegularExpressions;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// A variable that keeps its size but changes its type (read from the debug information the
/// wrappers add) is refused, naming the file, the symbol and both types; a fix that leaves the
/// layout alone is patched.
/// </summary>
public sealed class TypeChangeTests
{
    private const string Build = "gcc -O2 -o foo foo.c";

    private const string Source = """
        #include <stdio.h>
        #include <unistd.h>

        typedef int count_t;
        struct rec { char name[12]; int len; };
        struct inner { int a; };
        struct outer { struct inner in; int b; };

        int counter;
        int level;
        count_t hits;
        struct rec current;
        struct outer nested;

        __attribute__((noinline)) void tick(void)
        {
            static long total;
            total += 1;
            counter += 1;
            level += 1;
            hits += 1;
            current.len += 1;
            nested.b += 1;
            nested.in.a += 1;
            printf("tick %ld %d %d %d %d %d\n", (long)total, (int)counter, (int)level, (int)hits, (int)current.len, (int)nested.in.a);
        }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (;;) {
                tick();
                usleep(20000);
            }
        }

        """;

    [Theory]
    [InlineData("int-float", "int counter;", "float counter;", "counter", "(int -> float)")]
    [InlineData("signedness", "int level;", "unsigned int level;", "level", "(int -> unsigned int)")]
    [InlineData("struct", "struct rec { char name[12]; int len; };", "struct rec { int len; char name[12]; };", "current",
        "(struct rec {char name[12] @0; int len @12} -> struct rec {int len @0; char name[12] @4})")]
    [InlineData("static-local", "static long total;", "static double total;", "total", "(long int -> double)")]
    [InlineData("typedef-target", "typedef int count_t;", "typedef unsigned int count_t;", "hits", "(int<4 signed> -> unsigned int<4 unsigned>)")]
    [InlineData("nested", "struct inner { int a; };", "struct inner { float a; };", "nested",
        "(struct outer<8> {struct inner<4> {int<4 signed> a @0} in @0; int<4 signed> b @4} -> struct outer<8> {struct inner<4> {float<4 float> a @0} in @0; int<4 signed> b @4})")]
    public void A_changed_type_of_an_existing_variable_is_refused(string name, string old, string @new, string symbol, string types)
    {
        using var project = new CProject("type-" + name, Build, new Dictionary<string, string> { ["foo.c"] = Source });
        string diff = project.Fix("fix", ("foo.c", old, @new));

        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 11, built.ToString());
        // A function static is the symbol total.N; the others keep their name.
        Assert.Matches($@"foo\.c: {Regex.Escape(symbol)}(\.\d+)?: the type of an existing variable changes {Regex.Escape(types)}; the running process keeps the old layout", built.Stderr);
        Assert.False(File.Exists(project.File("foo.patch")));
    }

    private const string Unchanged = """
        #include <stdio.h>
        #include <unistd.h>

        struct rec { char name[12]; int len; };
        typedef struct rec rec_t;
        rec_t current = { "seed", 1 };

        __attribute__((noinline)) void tick(void)
        {
            current.len += 1;
            printf("%s %d\n", current.name, current.len > 0);
        }

        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            for (;;) {
                tick();
                usleep(20000);
            }
        }

        """;

    [Fact]
    public void A_fix_that_renames_the_typedef_of_an_unchanged_struct_variable_is_patched()
    {
        using var project = new CProject("type-unchanged", Build, new Dictionary<string, string> { ["foo.c"] = Unchanged });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "seed 1");
        string diff = project.Fix(
            "fix",
            ("foo.c", "typedef struct rec rec_t;\nrec_t current", "typedef struct rec record_t;\nrecord_t current"),
            ("foo.c", "printf(\"%s %d\\n\"", "printf(\"%s fixed %d\\n\""));

        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "seed fixed 1", before);
    }
}
