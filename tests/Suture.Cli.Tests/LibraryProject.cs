using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// A shared library and an executable built by one Makefile (TestTargets/library), deployed,
/// with patches built for the library (lib.c changes) and for the executable (main.c changes).
/// </summary>
public sealed class LibraryProject : IDisposable
{
    public const string LibraryOld = "library unpatched";
    public const string LibraryNew = "library patched";

    private readonly MakeProject _project = new("library");

    public LibraryProject()
    {
        LibraryPatch = _project.BuildPatch("lib.c", "printf(\"library unpatched\\n\");", "printf(\"library %s\\n\", \"patched\");", "libfoo.so", "lib-fix");
        ExecutablePatch = _project.BuildPatch("main.c", "printf(\"i'm unpatched!\\n\");", SeedProject.NewCall, "foo", "exe-fix");
    }

    public string Executable => _project.Deployed("foo");

    public string LibraryPatch { get; }

    public string ExecutablePatch { get; }

    public RunningProgram Start() => _project.Start("foo");

    public void Dispose() => _project.Dispose();
}
