namespace Suture.Build.Workspace;

/// <summary>
/// A compiler invocation that links: its output and the object files in it, as paths relative to
/// the tree. Sources compiled and linked in one step (<c>gcc -o foo foo.c</c>) count with the
/// object <c>-save-temps=obj</c> leaves for them (<see cref="CompileStep.SaveTempsObject"/>). Static
/// archives on the command line (<c>libx.a</c>, or <c>-L DIR -lx</c> where DIR has only
/// <c>libx.a</c>) count with those of their members the output contains (<see cref="ArchiveIndex"/>).
/// </summary>
internal sealed record LinkStep(string Output, IReadOnlySet<string> Objects)
{
    private static readonly HashSet<string> NotLinking = ["-c", "-S", "-E", "-M", "-MM", "-fsyntax-only", "--version", "-v", "-dumpversion", "-dumpmachine", "-print-prog-name", "--help"];

    // The same argument syntax as CompileStep's, so both name a one-step build's -save-temps objects alike.
    private static readonly IReadOnlySet<string> TakesValue = CompileStep.TakesValue;

    private static readonly IReadOnlySet<string> SourceExtensions = CompileStep.SourceExtensions;

    private static readonly HashSet<string> StaticOptions = ["-Bstatic", "-dn", "-non_shared", "-static"];

    private static readonly HashSet<string> DynamicOptions = ["-Bdynamic", "-dy", "-call_shared"];

    public static LinkStep? From(string tree, CompilerRun run, ArchiveIndex archives)
    {
        IReadOnlyList<string> args = run.Arguments;
        if (args.Count == 0 || args.Any(a => NotLinking.Contains(a) || a.StartsWith("-print-", StringComparison.Ordinal)))
        {
            return null;
        }

        string output = "a.out";
        var inputs = new List<string>();
        var searchDirectories = new List<string>();
        var libraries = new List<(string Name, bool Static)>();
        bool staticLink = args.Contains("-static"), bStatic = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "-o" && i + 1 < args.Count)
            {
                output = args[++i];
            }
            else if (arg.StartsWith("-L", StringComparison.Ordinal) && (arg.Length > 2 || i + 1 < args.Count))
            {
                searchDirectories.Add(Path.GetFullPath(arg.Length > 2 ? arg[2..] : args[++i], run.Directory));
            }
            else if (arg.StartsWith("-l", StringComparison.Ordinal) && (arg.Length > 2 || i + 1 < args.Count))
            {
                libraries.Add((arg.Length > 2 ? arg[2..] : args[++i], staticLink || bStatic));
            }
            else if (arg.StartsWith("-Wl,", StringComparison.Ordinal))
            {
                foreach (string option in arg[4..].Split(','))
                {
                    bStatic = StaticOptions.Contains(option) || (bStatic && !DynamicOptions.Contains(option));
                }
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
        int sourceCount = inputs.Count(i => SourceExtensions.Contains(Path.GetExtension(i)));
        var objects = new HashSet<string>(StringComparer.Ordinal);
        var archivePaths = new List<string>();
        foreach (string input in inputs)
        {
            string extension = Path.GetExtension(input);
            if (extension is ".o" or ".lo" or ".obj")
            {
                objects.Add(Relative(tree, Path.GetFullPath(input, run.Directory)));
            }
            else if (SourceExtensions.Contains(extension))
            {
                objects.Add(Relative(tree, CompileStep.SaveTempsObject(outputPath, Path.GetFileNameWithoutExtension(input), sourceCount)));
            }
            else if (extension == ".a")
            {
                archivePaths.Add(Path.GetFullPath(input, run.Directory));
            }
        }

        archivePaths.AddRange(libraries.Select(l => LibrarySearch.Archive(l.Name, searchDirectories, l.Static)).OfType<string>());
        objects.UnionWith(ArchiveMembersIn(outputPath, archivePaths, archives));
        return objects.Count == 0 ? null : new LinkStep(Relative(tree, outputPath), objects);
    }

    /// <summary>The members of the archives that the output contains; all of them when the output has no symbol table to tell.</summary>
    private static IEnumerable<string> ArchiveMembersIn(string outputPath, List<string> archivePaths, ArchiveIndex archives)
    {
        var members = archivePaths.Distinct(StringComparer.Ordinal).SelectMany(archives.Members).ToList();
        if (members.Count == 0)
        {
            return [];
        }

        LinkedSymbols? linked = LinkedSymbols.TryLoad(outputPath);
        return members.Where(m => linked is null || m.Symbols is null || linked.Contains(m.Symbols)).Select(m => m.RelativePath);
    }

    private static string Relative(string tree, string path) => Path.GetRelativePath(tree, path);
}
