using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// New code binds its references to other objects where the process's dynamic linker would:
/// to the first definition in the link-map chain, with the symbol version it asks for.
/// </summary>
public sealed class SymbolResolutionTests
{
    [Theory]
    [InlineData("a", "b", 111, false)]
    [InlineData("b", "a", 222, false)]
    [InlineData("a", "b", 111, true)]
    public void New_code_binds_to_the_first_definition_in_link_order(string first, string second, int expected, bool throughDynamicLinker)
    {
        // ld.so maps DT_NEEDED libraries one after the other, top-down: in one of the two orders
        // the library first in link order is not the one at the lowest address. Started as
        // "ld.so ./foo", /proc/PID/exe is ld.so and the program's DT_DEBUG is out of reach.
        using var libraries = new TempDirectory("suture-order");
        Library(libraries, "shared_a.c", "libsa.so");
        Library(libraries, "shared_b.c", "libsb.so");
        string build = $"gcc -o foo foo.c -Wl,--no-as-needed -L{libraries.Path} -ls{first} -ls{second} -Wl,-rpath,{libraries.Path}";
        using var project = new SeedProject(Target("order.c"), build, "printf(\"shared %d\\n\", shared_value());");

        ApplyAndExpect(project, $"shared {expected}", start: throughDynamicLinker ? () => RunningProgram.Start(DynamicLinker, project.Binary) : null);
    }

    [Theory]
    [InlineData("old", "", false, "VER_1", 1)]
    [InlineData("new", "", false, "VER_2", 2)]
    [InlineData("new", "-DNO_START", false, null, 2)]
    [InlineData("old", "", true, "VER_1", 3)]
    public void New_code_gets_the_symbol_version_the_program_was_linked_against(string linkedAgainst, string define, bool preload, string? version, int expected)
    {
        // The process loads the second release of libv.so ("new"), which keeps vfunc@VER_1
        // (hidden) beside the default vfunc@@VER_2: a program built against the first release
        // ("old") binds to VER_1, and so must the patch built for it. An unversioned vfunc
        // preloaded before it satisfies a reference to any version, as for the program itself.
        using var libraries = new TempDirectory("suture-versions");
        Library(libraries, "vfunc_v1.c", "old/libv.so", "vfunc_v1.map");
        Library(libraries, "vfunc_v2.c", "new/libv.so", "vfunc_v2.map");
        Library(libraries, "vfunc_interposer.c", "libinterposer.so");
        string build = $"gcc {define} -o foo foo.c -Wl,--no-as-needed -L{libraries.File(linkedAgainst)} -lv -Wl,-rpath,{libraries.File("new")}";
        using var project = new SeedProject(Target("versions.c"), build, "printf(\"version %d\\n\", vfunc());");

        ApplyAndExpect(
            project,
            $"version {expected}",
            $"needs vfunc{(version is null ? "" : "@" + version)} from another object",
            preload ? () => RunningProgram.Start("/usr/bin/env", $"LD_PRELOAD={libraries.File("libinterposer.so")}", project.Binary) : null);
    }

    private const string DynamicLinker = "/lib64/ld-linux-x86-64.so.2";

    private static void ApplyAndExpect(SeedProject project, string line, string? needs = null, Func<RunningProgram>? start = null)
    {
        ToolResult built = project.BuildPatch();
        Assert.True(built.ExitCode == 0, built.ToString());
        if (needs is not null)
        {
            Assert.Contains(needs, SutureCli.Succeed("inspect", project.PatchPath).Stdout);
        }

        using RunningProgram program = (start ?? project.Start)();
        program.WaitForLine(l => l == SeedProject.OldLine);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), project.PatchPath);
        program.WaitForSteady(line, 5, before);
    }

    private static void Library(TempDirectory directory, string source, string output, string? versionScript = null)
    {
        List<string> arguments = ["-shared", "-fPIC", "-o", directory.File(output).EnsureDirectory(), $"-Wl,-soname,{Path.GetFileName(output)}", Target(source)];
        if (versionScript is not null)
        {
            arguments.Add($"-Wl,--version-script={Target(versionScript)}");
        }

        ToolResult result = Tool.Run("gcc", arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static string Target(string name) => Path.Combine(AppContext.BaseDirectory, "TestTargets", "resolution", name);
}
