using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// The build links libfoo.so while the deployed library is named after its DT_SONAME
/// (libfoo.so.1) or its version (libfoo.so.1.2.3): the output is matched to that --target.
/// </summary>
public sealed class SonameMatchTests
{
    private const string Old = "printf(\"soname unpatched\\n\");";
    private const string New = "printf(\"soname %s\\n\", \"patched\");";

    [Fact]
    public void A_library_built_as_libfoo_so_binds_to_the_target_named_by_its_soname()
    {
        using var project = new CProject("soname", "make -s && cp libfoo.so libfoo.so.1", Tag("soname-one"));
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "soname unpatched");
        string diff = project.Fix("fix", ("lib.c", Old, New));

        string output = project.File("lib.patch");
        ToolResult built = project.BuildPatch(diff, "make", output, ["foo", "libfoo.so.1"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("for libfoo.so.1", built.Stdout);
        Assert.Contains("libfoo.so is --target libfoo.so.1 (same DT_SONAME libfoo.so.1)", built.Stderr + built.Stdout);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), output);
        program.WaitForLine(l => l == "soname patched", before);
    }

    [Fact]
    public void A_library_without_a_soname_binds_to_the_one_versioned_target_of_its_name()
    {
        using var project = new CProject("soname", "make -s SONAME= && mv libfoo.so libfoo.so.1.2.3 && ln -s libfoo.so.1.2.3 libfoo.so", Tag("soname-version"));
        using RunningProgram program = project.Start("foo");
        program.WaitForLine(l => l == "soname unpatched");
        string diff = project.Fix("fix", ("lib.c", Old, New));

        string output = project.File("lib.patch");
        ToolResult built = project.BuildPatch(diff, "make SONAME=", output, ["foo", "libfoo.so.1.2.3"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("for libfoo.so.1.2.3", built.Stdout);
        int before = program.LineCount;
        SutureCli.Succeed("apply", "-p", program.Pid.ToString(), output);
        program.WaitForLine(l => l == "soname patched", before);
    }

    [Fact]
    public void Two_targets_with_the_outputs_soname_are_refused_naming_both()
    {
        using var project = new CProject("soname", "make -s && cp libfoo.so libfoo.so.1 && cp libfoo.so libfoo.so.1.0.0", Tag("soname-two"));
        string diff = project.Fix("fix", ("lib.c", Old, New));

        ToolResult built = project.BuildPatch(diff, "make", project.File("lib.patch"), ["libfoo.so.1", "libfoo.so.1.0.0"]);

        Assert.Equal(2, built.ExitCode);
        Assert.Contains("libfoo.so matches several --targets by DT_SONAME libfoo.so.1", built.Stderr);
        Assert.Contains(project.Deployed("libfoo.so.1.0.0"), built.Stderr);
    }

    private static Dictionary<string, string> Tag(string tag) => new() { ["tag.h"] = $"#define TAG \"{tag}\"\n" };
}
