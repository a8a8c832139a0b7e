namespace Suture.Build.Workspace;

/// <summary>
/// A compiler invocation that links: its output and the object files in it, as paths relative to
/// the tree. Sources compiled and linked in one step (<c>gcc -o foo foo.c</c>) count with the
/// object <c>-save-temps=obj</c> leaves for them, <c>foo-foo.o</c> beside the output.
/// </summary>
internal sealed record LinkStep(string Output, IReadOnlySet<string> Objects)
{
    private static readonly HashSet<string> NotLinking = ["-c", "-S", "-E", "-M", "-MM", "-fsyntax-only", "--version", "-v", "-dumpversion", "-dumpmachine", "-print-prog-name", "--help"];

    /// <summary>Options whose value is the next argument.</summary>
    private static readonly HashSet<string> TakesValue = ["-o", "-x", "-I", "-L", "-l", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-MF", "-MT", "-MQ", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-T", "-u", "-e", "-z", "-aux-info", "--param"];

    private static readonly HashSet<string> SourceExtensions = [".c", ".cc", ".cpp", ".cxx", ".c++", ".C", ".s", ".S", ".i", ".ii"];

    public static LinkStep? From(string tree, CompilerRun run)
    {
        IReadOnlyList<string> args = run.Arguments;
        if (args.Count == 0 || args.Any(a => NotLinking.Contains(a) || a.StartsWith("-print-", StringComparison.Ordinal)))
        {
            return null;
        }

        string output = "a.out";
        var inputs = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "-o" && i + 1 < args.Count)
            {
                output = args[++i];
            }
            else if (TakesValue.Contains(arg))
            {
                i++;
            }
            else if (!arg.StartsWith('-'))
            {
                inputs.Add(arg);
            }
        }

        string outputPath = Path.GetFullPath(output, run.Directory);
        string outputStem = Path.Combine(Path.GetDirectoryName(outputPath)!, Path.GetFileName(outputPath));
        var objects = new HashSet<string>(StringComparer.Ordinal);
        foreach (string input in inputs)
        {
            string extension = Path.GetExtension(input);
            if (extension is ".o" or ".lo" or ".obj")
            {
                objects.Add(Relative(tree, Path.GetFullPath(input, run.Directory)));
            }
            else if (SourceExtensions.Contains(extension))
            {
                objects.Add(Relative(tree, outputStem + "-" + Path.GetFileNameWithoutExtension(input) + ".o"));
            }
        }

        return objects.Count == 0 ? null : new LinkStep(Relative(tree, outputPath), objects);
    }

    private static string Relative(string tree, string path) => Path.GetRelativePath(tree, path);
}
