using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>Changes that cannot be patched live are refused with one line naming the file, the symbol and why.</summary>
public sealed class RefusalTests
{
    private const string Build = "gcc -O2 -pthread -o foo foo.c";

    private const string Source = """
        #include <pthread.h>
        #include <stdio.h>
        #include <unistd.h>

        int counter = 1;
        int table[4] = {1, 2, 3, 4};

        __attribute__((noipa)) int zero(void) { return 0; }

        __attribute__((noinline)) void tick(void)
        {
            printf("tick %d %d %d\n", counter, table[1], zero());
        }

        void *worker(void *arg)
        {
            for (;;) {
                printf("worker\n");
                usleep(20000);
            }
            return arg;
        }

        static void step(void) { printf("step\n"); }

        __attribute__((noreturn, noinline)) static void serve(void)
        {
            for (;;) {
                step();
                usleep(20000);
            }
        }

        int main(int argc, char **argv)
        {
            pthread_t thread;
            pthread_create(&thread, NULL, worker, NULL);
            if (argc > 1)
                serve();
            for (;;) {
                tick();
                usleep(20000);
            }
        }

        """;

    [Theory]
    [InlineData("size", "int table[4] = {1, 2, 3, 4};", "int table[5] = {1, 2, 3, 4, 5};", "foo.c: table: the size of an existing variable changes")]
    [InlineData("initial", "int counter = 1;", "int counter = 2;", "foo.c: counter: the initial value of an existing variable changes")]
    [InlineData("tls", "int counter = 1;", "int counter = 1;\n__thread int seen;\nint *seen_at(void) { return &seen; }", "foo.c: seen: new thread-local variables cannot be added")]
    [InlineData("short", "return 0;", "return 1;", "foo.c: zero: is 3 bytes long in foo, too short for the 5-byte jump")]
    [InlineData("main", "        tick();\n        usleep(20000);", "        tick();\n        usleep(30000);", "foo.c: main: the fix changes main; main runs for the whole life of the process and never returns")]
    [InlineData("loop", "printf(\"worker\\n\");", "printf(\"worker %d\\n\", 2);", "foo.c: worker: the fix changes worker; worker loops forever and never returns")]
    [InlineData("noreturn", "printf(\"step\\n\");", "printf(\"step %d\\n\", 2);", "foo.c: serve: the fix changes serve; serve loops forever and never returns")]
    public void Is_refused_with_the_file_the_symbol_and_the_reason(string name, string old, string @new, string expected)
    {
        using var project = new CProject("refusal-" + name, Build, new Dictionary<string, string> { ["foo.c"] = Source });
        string diff = project.Fix("fix", ("foo.c", old, @new));

        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 11, built.ToString());
        Assert.Contains(expected, built.Stderr);
        Assert.False(File.Exists(project.File("foo.patch")));
    }

    [Theory]
    [InlineData("gcc -O2 -o t t.c")]
    [InlineData("gcc -O2 -fno-pie -no-pie -o t t.c")]
    public void A_table_entry_pointed_elsewhere_is_seen_and_refused(string build)
    {
        // The table's bytes are zeros where the pointers go: only its relocations show the change
        // (it was taken for "changes no compiled function"). The table is written (rename_one), so
        // it is state the program may have changed; a const one is carried with the new code (ConstTableTests).
        const string source = """
            #include <stdio.h>
            #include <unistd.h>
            static const char *names[] = { "alpha", "beta" };
            __attribute__((noinline)) const char *pick(int i) { return names[i & 1]; }
            void rename_one(int i, const char *name) { names[i & 1] = name; }
            int main(void) { for (;;) { printf("%s\n", pick(0)); usleep(100000); } }

            """;
        using var project = new CProject("refusal-table", build, new Dictionary<string, string> { ["t.c"] = source });
        string diff = project.Fix("fix", ("t.c", "\"alpha\", \"beta\"", "\"gamma\", \"beta\""));

        ToolResult built = project.BuildPatch(diff, build, project.File("t.patch"), ["t"]);

        Assert.True(built.ExitCode == 11, built.ToString());
        Assert.Contains("t.c: names: the initial value of an existing variable changes", built.Stderr);
    }

    [Fact]
    public void A_function_static_whose_first_user_changes_is_refused_rather_than_started_anew()
    {
        // tick's counter is keyed count@tick; the fix lets tick be inlined into a new function
        // defined first, so the same counter becomes count@helper and would have looked new
        // (a zeroed copy in the patch, the running count lost).
        const string build = "gcc -O2 -o t t.c";
        const string source = """
            #include <stdio.h>
            #include <unistd.h>
            __attribute__((noinline)) int tick(void) { static int count; return ++count; }
            int main(void) { for (;;) { printf("%d\n", tick()); usleep(20000); } }

            """;
        using var project = new CProject("refusal-static-owner", build, new Dictionary<string, string> { ["t.c"] = source });
        string diff = project.Fix(
            "fix",
            ("t.c", "__attribute__((noinline)) int tick(void) { static int count; return ++count; }", "int tick(void);\n__attribute__((noinline)) int helper(void) { return tick() * 2; }\nint tick(void) { static int count; return ++count; }"),
            ("t.c", "printf(\"%d\\n\", tick());", "printf(\"%d %d\\n\", tick(), helper());"));

        ToolResult built = project.BuildPatch(diff, build, project.File("t.patch"), ["t"]);

        Assert.True(built.ExitCode == 11, built.ToString());
        Assert.Contains("the function-local static count@tick of the running process is now referenced first by another function (count@helper)", built.Stderr);
    }

    [Fact]
    public void Thread_local_access_through_tls_descriptors_is_refused_with_the_flag_to_use()
    {
        const string build = "gcc -O0 -shared -fPIC -mtls-dialect=gnu2 -o libt.so t.c";
        const string source = "__thread int level = 1;\n\n__attribute__((noinline)) int get(void) { return level; }\n";
        using var project = new CProject("refusal-tlsdesc", build, new Dictionary<string, string> { ["t.c"] = source });
        string diff = project.Fix("fix", ("t.c", "return level;", "return level + 1;"));

        ToolResult built = project.BuildPatch(diff, build, project.File("t.patch"), ["libt.so"]);

        Assert.True(built.ExitCode == 11, built.ToString());
        Assert.Contains("t.c: get: uses TLS descriptors (R_X86_64_GOTPC32_TLSDESC) for level; build the fix with -mtls-dialect=gnu", built.Stderr);
    }

    [Fact]
    public void An_object_built_with_lto_is_refused_naming_the_flag_to_use()
    {
        const string build = "gcc -O2 -flto -c foo.c -o foo.o && gcc -O2 -flto -o foo foo.o";
        using var project = new CProject("refusal-lto", build, new Dictionary<string, string> { ["foo.c"] = Source });
        string diff = project.Fix("fix", ("foo.c", "printf(\"step\\n\");", "printf(\"step %d\\n\", 2);"));

        ToolResult built = project.BuildPatch(diff, build, project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 11, built.ToString());
        Assert.Contains("foo.c: (every function): built with -flto", built.Stderr);
        Assert.Contains("build with -fno-lto", built.Stderr);
    }

    /// <summary>
    /// The fix makes fatal() exit, gcc infers it is noreturn and compiles the call in the server
    /// loop differently: the loop changed without being touched or inlined into.
    /// </summary>
    [Fact]
    public void A_loop_changed_by_an_attribute_gcc_inferred_from_a_callee_says_so_and_how_to_avoid_it()
    {
        const string build = "gcc -O2 -g -o foo foo.c";
        const string source = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <unistd.h>

            volatile int state;

            __attribute__((noinline)) void fatal(const char *message)
            {
                fprintf(stderr, "fatal: %s\n", message);
            }

            __attribute__((noinline)) void serve_forever(void)
            {
                for (;;) {
                    if (state == 42)
                        fatal("bad state");
                    printf("serving\n");
                    usleep(20000);
                }
            }

            int main(void) { serve_forever(); }

            """;
        using var project = new CProject("refusal-inferred", build, new Dictionary<string, string> { ["foo.c"] = source });
        string diff = project.Fix("fix", ("foo.c", "    fprintf(stderr, \"fatal: %s\\n\", message);\n", "    fprintf(stderr, \"fatal: %s\\n\", message);\n    exit(1);\n"));

        ToolResult built = project.BuildPatch(diff, build, project.File("foo.patch"), ["foo"]);

        Assert.True(built.ExitCode == 11, built.ToString());
        Assert.Contains("foo.c: serve_forever: the fix changes serve_forever: nothing of its own changed, but gcc compiles its call to fatal differently", built.Stderr);
        Assert.Contains("mark fatal __attribute__((noipa)) in the fix", built.Stderr);
        Assert.DoesNotContain("inlined into it", built.Stderr);
    }
}
