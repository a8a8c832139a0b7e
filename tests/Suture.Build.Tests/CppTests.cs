using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>C++: a method and a template instantiation, matched by their mangled names.</summary>
public sealed class CppTests
{
    private const string Build = "g++ -o foo foo.cpp";

    private const string Source = """
        #include <cstdio>
        #include <unistd.h>

        namespace app {
        struct Greeter {
            int n = 0;
            __attribute__((noinline)) void hello();
        };

        void Greeter::hello() { std::printf("hello old %d\n", n++ % 2); }

        template <typename T> __attribute__((noinline)) T twice(T v) { return v * 2; }
        }

        int main()
        {
            setvbuf(stdout, nullptr, _IOLBF, 0);
            app::Greeter g;
            for (;;) {
                g.hello();
                std::printf("t %d\n", app::twice(3));
                usleep(20000);
            }
        }

        """;

    [Fact]
    public void A_method_and_a_template_are_patched_live()
    {
        using var project = new CProject("cpp", Build, new Dictionary<string, string> { ["foo.cpp"] = Source });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "t 6");
        string diff = project.Fix("fix", ("foo.cpp", "hello old", "hello new"), ("foo.cpp", "v * 2", "v * 5"));

        ToolResult built = project.BuildPatch(diff, Build, project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("_ZN3app7Greeter5helloEv", built.Stdout);
        Assert.Contains("_ZN3app5twiceIiEET_S1_", built.Stdout);

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        int at = program.WaitForLine(l => l == "t 15", before);
        program.WaitForLine(l => l.StartsWith("hello new", StringComparison.Ordinal), at);
    }

    [Fact]
    public void A_destructor_emitted_as_two_aliased_symbols_is_redirected_once()
    {
        // gcc emits the complete- and base-object destructors (D1, D2) of a class without
        // virtual bases at one address; a fix to the destructor changes both symbols, and the
        // patch redirected that address twice (found on libheif's HeifContext::~HeifContext).
        const string build = "g++ -O2 -o foo foo.cpp";
        const string source = """
            #include <cstdio>
            #include <unistd.h>

            struct Job {
                int n;
                explicit Job(int v) : n(v) {}
                __attribute__((noinline)) ~Job();
            };

            Job::~Job() { std::printf("done old %d\n", n % 2); }

            int main()
            {
                setvbuf(stdout, nullptr, _IOLBF, 0);
                for (int i = 0;; i++) {
                    Job job(i);
                    usleep(20000);
                }
            }

            """;
        using var project = new CProject("cpp-alias", build, new Dictionary<string, string> { ["foo.cpp"] = source });
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "done old 1");
        string diff = project.Fix("fix", ("foo.cpp", "done old", "done new"));

        ToolResult built = project.BuildPatch(diff, build, project.File("foo.patch"), ["foo"]);
        Assert.True(built.ExitCode == 0, built.ToString());

        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.File("foo.patch"));
        program.WaitForLine(l => l == "done new 1", before);
    }
}
