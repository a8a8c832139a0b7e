namespace Suture.Build.Workspace;

/// <summary>
/// Scripts named like the compilers (gcc, cc, g++, c++) put first on PATH and in CC/CXX while a
/// tree is built. They add only options that leave the generated code as the build's own flags
/// make it, so the rebuilt original is comparable with the deployed binary: they keep the object
/// files of one-step compile-and-link builds (<c>-save-temps=obj</c>, only for invocations
/// without <c>-c</c>, <c>-S</c> or <c>-E</c>: gcc then compiles the preprocessed text, where
/// warnings from macro expansions are no longer suppressed, and a <c>-Werror</c> build such as
/// cJSON's tests fails on <c>-Waddress</c>), map the work
/// tree's path to the source directory's in <c>__FILE__</c> (<c>-ffile-prefix-map</c>, so both
/// trees and the deployed build agree), add debug information (<c>-g</c>, for the types of
/// variables), and append each invocation to a log (<see cref="CompilerLog"/>): working directory
/// and arguments, tab-separated. The options that do change code (function and data sections,
/// GOT access to extern data) are only used when <see cref="SectionBuild"/> recompiles the
/// objects the fix changes (<see cref="ExtractionFlags"/>).
/// </summary>
internal sealed class CompilerWrappers
{
    private static readonly string[] CompilerNames = ["gcc", "cc", "g++", "c++"];

    /// <summary>
    /// Reach data of other objects through the GOT instead of a direct PC-relative access that
    /// relies on a copy relocation: new code may use a variable (e.g. <c>stderr</c>) the
    /// executable never copied, and the patch then supplies the address in a slot.
    /// </summary>
    private const string IndirectExternData = "-mno-direct-extern-access";

    /// <summary>
    /// Debug information, so the diff can compare the declared types of variables (a struct whose
    /// members move keeps its size). gcc guarantees <c>-g</c> does not change the generated code.
    /// It goes after the build's own flags so that a <c>-g0</c> there does not remove it; gcc's
    /// default DWARF version is kept (5 since gcc 11, 4 before), the reader decodes 2 to 5.
    /// </summary>
    private const string DebugInfo = "-g";

    private static readonly string[] SectionFlags = ["-ffunction-sections", "-fdata-sections"];

    private readonly Dictionary<string, (string Real, Lazy<string[]> Extraction)> _compilers;

    private CompilerWrappers(string directory, Dictionary<string, (string Real, Lazy<string[]> Extraction)> compilers)
    {
        Directory = directory;
        _compilers = compilers;
    }

    public string Directory { get; }

    public string LogPath => Path.Combine(Directory, "compile.log");

    public static CompilerWrappers Create(string root)
    {
        string directory = Path.Combine(root, "wrappers");
        System.IO.Directory.CreateDirectory(directory);
        var compilers = new Dictionary<string, (string Real, Lazy<string[]> Extraction)>(StringComparer.Ordinal);
        foreach (string name in CompilerNames)
        {
            string? real = FindOnPath(name);
            if (real is null)
            {
                continue;
            }

            string script = Path.Combine(directory, name);
            // Probed when a recompile first needs it (a compiler run each: most builds use one or
            // two of the four names), not for every name up front.
            string language = name.Contains('+', StringComparison.Ordinal) ? "c++" : "c";
            compilers[name] = (real, new Lazy<string[]>(() => Supports(real, language, IndirectExternData)
                ? [.. SectionFlags, IndirectExternData]
                : SectionFlags));
            // One write per line (the line is built first), so parallel make jobs do not interleave.
            File.WriteAllText(script, $$"""
                #!/bin/sh
                line="$PWD	{{name}}"
                for a in "$@"; do line="$line	$a"; done
                printf '%s\n' "$line" >> "$SUTURE_COMPILE_LOG"
                temps=-save-temps=obj
                for a in "$@"; do case "$a" in -c|-S|-E) temps= ;; esac; done
                exec {{real}} $temps ${SUTURE_PREFIX_MAP:+"-ffile-prefix-map=$SUTURE_PREFIX_MAP"} "$@" {{DebugInfo}}

                """);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return new CompilerWrappers(directory, compilers);
    }

    /// <summary>The compiler a wrapper named <paramref name="name"/> runs, null when it was not found.</summary>
    public string? RealCompiler(string name) => _compilers.TryGetValue(name, out var c) ? c.Real : null;

    /// <summary>
    /// What <see cref="SectionBuild"/> adds to a recompile of a changed object: every function
    /// and variable in its own section (so it can be compared and copied alone) and, where the
    /// compiler has it, <c>-mno-direct-extern-access</c>. These change the code (branch
    /// relaxation, extern data addressing), which is why the tree builds do not use them.
    /// </summary>
    public IReadOnlyList<string> ExtractionFlags(string name) => _compilers.TryGetValue(name, out var c) ? c.Extraction.Value : SectionFlags;

    public const string Debug = DebugInfo;

    private static bool Supports(string compiler, string language, string flag)
    {
        (int exit, _) = ShellCommand.Run(compiler, [flag, "-x", language, "-c", "-o", "/dev/null", "/dev/null"], "/");
        return exit == 0;
    }

    /// <summary>The environment a build runs with so that it goes through the wrappers.</summary>
    public Dictionary<string, string> Environment(string logPath, string tree, string source) => new()
    {
        ["SUTURE_PREFIX_MAP"] = Path.GetFullPath(tree) + "=" + Path.GetFullPath(source),
        ["PATH"] = Directory + ":" + (System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin"),
        ["CC"] = Path.Combine(Directory, "gcc"),
        ["CXX"] = Path.Combine(Directory, "g++"),
        ["SUTURE_COMPILE_LOG"] = logPath,
    };


    public static string? FindOnPath(string name)
    {
        foreach (string directory in (System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && !candidate.Contains("suture-build-", StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }
}
