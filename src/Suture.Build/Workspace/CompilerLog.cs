namespace Suture.Build.Workspace;

/// <summary>
/// What the compiler wrappers logged while one tree was built: every invocation (working
/// directory, compiler, arguments) and, from those, the link steps: which executable or shared
/// library each link wrote and which object files went into it (also through static archives).
/// </summary>
internal sealed class CompilerLog
{
    private readonly Dictionary<string, CompileStep> _steps = new(StringComparer.Ordinal);

    private CompilerLog(string tree, IReadOnlyList<CompilerRun> runs, CompilerLog? linksOf)
    {
        Tree = tree;
        ArchiveTree = linksOf?.ArchiveTree ?? tree;
        IReadOnlyList<LinkStep>? links = linksOf?.Links;
        Runs = runs;
        var archives = new ArchiveIndex(tree);
        Links = links ?? runs.Select(r => LinkStep.From(tree, r, archives)).OfType<LinkStep>().ToList();
        foreach (CompileStep step in runs.SelectMany(CompileStep.Of))
        {
            _steps[System.IO.Path.GetRelativePath(tree, step.Object)] = step; // the last run that wrote an object made it
        }
    }

    /// <summary>The built tree the paths are relative to.</summary>
    public string Tree { get; }

    /// <summary>The tree whose static archives hold current members of this build: <see cref="Tree"/>, or the original's for an incremental build.</summary>
    public string ArchiveTree { get; }

    public IReadOnlyList<CompilerRun> Runs { get; }

    public IReadOnlyList<LinkStep> Links { get; }

    /// <summary>The compile that wrote the object (path relative to the tree), the last one when several did; null when none was logged.</summary>
    public CompileStep? StepWriting(string relativeObject) => _steps.GetValueOrDefault(relativeObject);

    /// <summary>
    /// Reads the log at <paramref name="path"/> of the build of <paramref name="tree"/>; with
    /// <paramref name="linksOf"/>, the link steps are that log's (an incremental build links
    /// nothing again: its archives and outputs are the original's, their members stale copies).
    /// </summary>
    public static CompilerLog Read(string path, string tree, CompilerLog? linksOf = null)
    {
        var runs = new List<CompilerRun>();
        if (File.Exists(path))
        {
            foreach (string line in File.ReadAllLines(path))
            {
                string[] fields = line.Split('\t');
                if (fields.Length >= 2)
                {
                    runs.Add(new CompilerRun(fields[0], fields[1], fields[2..]));
                }
            }
        }

        return new CompilerLog(tree, runs, linksOf);
    }

    /// <summary>The outputs (paths relative to the tree) that link the object <paramref name="relativeObject"/>.</summary>
    public IReadOnlyList<string> OutputsLinking(string relativeObject) =>
        Links.Where(l => l.Objects.Contains(relativeObject)).Select(l => l.Output).Distinct().ToList();

    /// <summary>The objects (relative paths) linked into the output named <paramref name="outputName"/>, empty when none was seen.</summary>
    public IReadOnlyList<string> ObjectsOf(string output) =>
        Links.Where(l => l.Output == output).SelectMany(l => l.Objects).Distinct().ToList();
}
