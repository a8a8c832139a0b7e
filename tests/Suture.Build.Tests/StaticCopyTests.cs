using System.Text.Json;
using Suture.TestSupport;

namespace Suture.Build.Tests;

/// <summary>
/// A library built the way libtool builds it: PIC objects for the shared library and non-PIC
/// copies of the same sources for a static archive no program links. The copies change with the
/// fix too, but the deployed system does not run them.
/// </summary>
public sealed class StaticCopyTests
{
    // The build reads NEWS, so a fix that changes it makes a full build (a file it never read would not).
    private const string Build = "cat NEWS > /dev/null && mkdir -p .libs && gcc -O2 -fPIC -c lib.c -o .libs/lib.o && gcc -shared -Wl,-soname,libfoo.so.1 -o .libs/libfoo.so.1 .libs/lib.o"
        + " && gcc -O2 -c lib.c -o lib.o && ar cru .libs/libfoo.a lib.o";

    /// <summary>
    /// With <paramref name="full"/> the fix also changes a file that is not code and that the build
    /// reads, so the patched tree is built in full and the binding skips the copy; else the incremental build does not
    /// compile it again at all.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Non_pic_copies_that_only_reach_an_unused_static_archive_do_not_stop_the_build(bool full)
    {
        using var project = new CProject("static-copy", Build, new Dictionary<string, string>
        {
            ["lib.c"] = "#include <stdio.h>\nvoid hello(int n) { printf(\"hello %d\\n\", n); }\n",
            ["NEWS"] = "1.0\n",
        });
        string diff = Fix(project, full);

        ToolResult built = project.BuildPatch(diff, Build, project.File("p.patch"), [".libs/libfoo.so.1"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains(full ? "note: lib.o only goes into the static archive .libs/libfoo.a" : "note: the fix also changes sources of lib.o (libtool's non-PIC copy", built.Stderr + built.Stdout);
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal("hello", Assert.Single(json.RootElement.GetProperty("functions").EnumerateArray()).GetProperty("symbol").GetString());
        Assert.Contains(".libs/lib.o: gcc -O2 -fPIC", json.RootElement.GetProperty("buildCommand").GetString());
    }

    /// <summary>
    /// expat's shape: the PIC objects go into libtool's convenience archive, which the shared
    /// library takes whole, and into the static archive as extracted copies; the non-PIC copy of
    /// the same source reaches no archive and no link at all.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_non_pic_copy_that_nothing_uses_beside_a_linked_pic_compile_of_the_same_source_does_not_stop_the_build(bool full)
    {
        const string build = "cat NEWS > /dev/null && mkdir -p .libs/lax && gcc -O2 -c lib.c -fPIC -DPIC -o .libs/lib.o && gcc -O2 -c lib.c -o lib.o"
            + " && ar cr .libs/libconv.a .libs/lib.o"
            + " && gcc -shared -fPIC -DPIC -Wl,--whole-archive ./.libs/libconv.a -Wl,--no-whole-archive -Wl,-soname,libfoo.so.1 -o .libs/libfoo.so.1"
            + " && (cd .libs/lax && ar x ../libconv.a) && ar cr .libs/libfoo.a .libs/lax/lib.o && rm -rf .libs/lax";
        using var project = new CProject("libtool-copy", build, new Dictionary<string, string>
        {
            ["lib.c"] = "#include <stdio.h>\nvoid hello(int n) { printf(\"hello %d\\n\", n); }\n",
            ["NEWS"] = "1.0\n",
        });
        string diff = Fix(project, full);

        ToolResult built = project.BuildPatch(diff, build, project.File("p.patch"), [".libs/libfoo.so.1"]);

        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains(full ? "note: lib.o is another compile of lib.c, which the build links as .libs/lib.o" : "note: the fix also changes sources of lib.o (libtool's non-PIC copy", built.Stderr + built.Stdout);
        using JsonDocument json = JsonDocument.Parse(SutureCli.Succeed("inspect", project.File("p.patch"), "--json").Stdout);
        Assert.Equal("hello", Assert.Single(json.RootElement.GetProperty("functions").EnumerateArray()).GetProperty("symbol").GetString());
        Assert.Contains(".libs/lib.o: gcc -O2 -c lib.c -fPIC", json.RootElement.GetProperty("buildCommand").GetString());
    }

    private static string Fix(CProject project, bool full) => full
        ? project.Fix("fix", ("lib.c", "\"hello %d\\n\"", "\"hello fixed %d\\n\""), ("NEWS", "1.0", "1.0.1"))
        : project.Fix("fix", ("lib.c", "\"hello %d\\n\"", "\"hello fixed %d\\n\""));
}
