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
}
