namespace Suture.Build.Workspace;

/// <summary>
/// A logged compiler invocation seen as the object files it writes, one per source: <c>-c</c>
/// writes <c>-o FILE</c> (or <c>STEM.o</c> in the working directory), a compile-and-link step the
/// <c>-save-temps=obj</c> object <c>OUTPUT-STEM.o</c>. <see cref="ArgumentsFor"/> turns it into the
/// compile of one of those objects alone, the way <see cref="SectionBuild"/> recompiles it.
/// </summary>
internal sealed record CompileStep(CompilerRun Run, string Object, int SourceIndex)
{
    /// <summary>The inputs gcc compiles (by extension), for this and <see cref="LinkStep"/>.</summary>
    internal static readonly HashSet<string> SourceExtensions = [".c", ".cc", ".cpp", ".cxx", ".c++", ".C", ".i", ".ii", ".m", ".s", ".S"];

    /// <summary>Options whose value is the next argument, for this and <see cref="LinkStep"/>.</summary>
    internal static readonly HashSet<string> TakesValue = ["-o", "-x", "-I", "-L", "-l", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-MF", "-MT", "-MQ", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-T", "-u", "-e", "-z", "-aux-info", "--param", "-imultilib", "-isysroot", "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-wrapper"];

    /// <summary>Dependency-file options: the recompile must not rewrite the build's <c>.d</c> files.</summary>
    private static readonly HashSet<string> DependencyFlags = ["-MD", "-MMD", "-MP", "-M", "-MM", "-MG"];

    private static readonly HashSet<string> DependencyWithValue = ["-MF", "-MT", "-MQ"];

    /// <summary>The source file this step compiles, as an absolute path.</summary>
    public string Source => Path.GetFullPath(Run.Arguments[SourceIndex], Run.Directory);

    /// <summary>The objects (absolute paths) <paramref name="run"/> writes, each with the index of its source argument.</summary>
    public static IEnumerable<CompileStep> Of(CompilerRun run)
    {
        IReadOnlyList<string> args = run.Arguments;
        if (args.Any(a => a is "-E" or "-S" or "-M" or "-MM" or "-fsyntax-only" || a.StartsWith("-print-", StringComparison.Ordinal) || a.StartsWith("-dump", StringComparison.Ordinal)))
        {
            yield break;
        }

        bool compileOnly = args.Contains("-c");
        string? output = null;
        var sources = new List<int>();
        string? language = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "-o" && i + 1 < args.Count)
            {
                output = args[++i];
            }
            else if (arg == "-x" && i + 1 < args.Count)
            {
                language = args[++i] == "none" ? null : args[i];
            }
            else if (TakesValue.Contains(arg))
            {
                i++;
            }
            else if (!arg.StartsWith('-') && (language is not null && !arg.EndsWith(".o", StringComparison.Ordinal) || SourceExtensions.Contains(Path.GetExtension(arg))))
            {
                sources.Add(i);
            }
        }

        foreach (int index in sources)
        {
            string stem = Path.GetFileNameWithoutExtension(args[index]);
            string path;
            if (compileOnly)
            {
                path = output is not null && sources.Count == 1 ? output : stem + ".o";
            }
            else
            {
                path = SaveTempsObject(Path.GetFullPath(output ?? "a.out", run.Directory), stem, sources.Count);
            }

            yield return new CompileStep(run, Path.GetFullPath(path, run.Directory), index);
        }
    }

    /// <summary>
    /// The object <c>-save-temps=obj</c> leaves for a source compiled and linked in one step:
    /// <c>OUTPUT-STEM.o</c>, or <c>STEM.o</c> beside the output when it is the only source and the
    /// output is named like it (<c>gcc -o foo foo.c</c> leaves <c>foo.o</c>).
    /// </summary>
    public static string SaveTempsObject(string outputPath, string stem, int sourceCount) =>
        sourceCount == 1 && Path.GetFileName(outputPath) == stem
            ? Path.Combine(Path.GetDirectoryName(outputPath)!, stem + ".o")
            : outputPath + "-" + stem + ".o";

    /// <summary>
    /// The arguments that compile only this step's source into <paramref name="output"/>: the
    /// run's options in their order (<c>-x</c> keeps applying), without its output, its other
    /// inputs, linker options and dependency files.
    /// </summary>
    public List<string> ArgumentsFor(string output) => [.. OptionsAndSource(), "-c", "-o", output];

    /// <summary>The arguments that write the files this step's compile reads, as a make rule, to <paramref name="dependencyFile"/> (<c>-M</c>: no compile).</summary>
    public List<string> DependencyArguments(string dependencyFile) => [.. OptionsAndSource(), "-M", "-MF", dependencyFile];

    private List<string> OptionsAndSource()
    {
        IReadOnlyList<string> args = Run.Arguments;
        var result = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (i == SourceIndex)
            {
                result.Add(arg);
            }
            else if (arg is "-o" or "-l" or "-L" or "-Xlinker" or "-T" or "-u" or "-e" || DependencyWithValue.Contains(arg))
            {
                i++;
            }
            else if (arg == "-c" || DependencyFlags.Contains(arg) || arg.StartsWith("-Wp,-M", StringComparison.Ordinal)
                || arg.StartsWith("-l", StringComparison.Ordinal) || arg.StartsWith("-L", StringComparison.Ordinal) || arg.StartsWith("-Wl,", StringComparison.Ordinal)
                || arg.StartsWith("-MF", StringComparison.Ordinal) || arg.StartsWith("-MT", StringComparison.Ordinal) || arg.StartsWith("-MQ", StringComparison.Ordinal))
            {
            }
            else if (TakesValue.Contains(arg) && i + 1 < args.Count)
            {
                result.Add(arg);
                result.Add(args[++i]);
            }
            else if (!arg.StartsWith('-'))
            {
                // another input of the same run (a source, object or archive)
            }
            else
            {
                result.Add(arg);
            }
        }

        return result;
    }
}
