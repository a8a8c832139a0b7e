namespace Suture.Build.Workspace;

/// <summary>
/// Makes the patched tree from the built original instead of building it again: the built tree
/// is copied, the fix put into it (and into the copies the build made of the files it changes,
/// as expat's rules copy <c>expat/</c> into <c>src/</c>), and only the compiler runs whose
/// inputs the fix changes are run again, through the wrappers, in the copy: the runs that
/// compile a changed file, and those whose dependencies (<c>gcc -M</c> of the logged command)
/// include one. The patched tree's log is the original's, moved to the copy's paths, plus the
/// runs made again, so its compile commands are those of the patched tree. Neither the build
/// command nor make runs again: their stamps and rules (dpkg-buildpackage cleans first, CMake
/// records absolute paths) are not what decides what the fix touches.
/// </summary>
internal static class IncrementalBuild
{
    /// <summary>Files whose change only reaches the objects compiled from or including them; anything else may change the build itself.</summary>
    private static readonly HashSet<string> CodeExtensions = [".c", ".h", ".cc", ".cpp", ".cxx", ".c++", ".C", ".hh", ".hpp", ".hxx", ".h++", ".H", ".inc", ".inl", ".tcc", ".ipp", ".def"];

    /// <summary>Whether a change of the file only reaches the objects compiled from or including it.</summary>
    public static bool IsCode(string file) => CodeExtensions.Contains(Path.GetExtension(file));

    /// <summary>Why the fix needs a full build of the patched tree; null when an incremental one gives the same objects.</summary>
    public static string? Obstacle(FixedFiles fixedFiles)
    {
        if (fixedFiles.Added.Count > 0 || fixedFiles.Removed.Count > 0)
        {
            return $"the fix {(fixedFiles.Added.Count > 0 ? "adds " + fixedFiles.Added[0] : "removes " + fixedFiles.Removed[0])}";
        }

        string? other = fixedFiles.Changed.FirstOrDefault(f => !IsCode(f));
        return other is null ? null : $"the fix changes {other}, which is not C or C++ code (it may change the build itself)";
    }

    /// <summary>
    /// Builds the patched tree from the built original; returns its compiler log, or null (with
    /// the reason reported) when the build changed a file the fix changes, so that only a full
    /// build gives the patched objects.
    /// </summary>
    public static CompilerLog? Run(WorkTree tree, string source, CompilerLog original, IReadOnlyList<Assembly.TargetBinary> targets, CompilerWrappers wrappers, Action<string> progress)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var fixedContent = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string file in tree.Fixed.Changed)
        {
            if (!WorkTree.SameBytes(Path.Combine(source, file), Path.Combine(tree.Original, file)))
            {
                progress($"the build rewrites {file}, which the fix changes: building the patched tree in full");
                return null;
            }

            fixedContent[file] = File.ReadAllBytes(Path.Combine(tree.Patched, file));
        }

        tree.CopyBuiltOriginalToPatched();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string file, byte[] content) in fixedContent)
        {
            File.WriteAllBytes(Path.Combine(tree.Patched, file), content);
            touched.Add(Path.Combine(tree.Patched, file));
        }

        foreach ((string copy, string of) in BuildCopies(tree, source))
        {
            File.WriteAllBytes(Path.Combine(tree.Patched, copy), fixedContent[of]);
            touched.Add(Path.Combine(tree.Patched, copy));
            progress($"the build copied {of} to {copy}: the fix goes into the copy too");
        }

        List<CompilerRun> runs = original.Runs.Select(r => Rebase(r, tree.Original, tree.Patched)).ToList();
        string logPath = Path.Combine(Path.GetDirectoryName(tree.Patched)!, "patched-incremental.log");
        File.WriteAllLines(logPath, runs.Select(r => string.Join('\t', [r.Directory, r.Compiler, .. r.Arguments])));

        var reach = new TargetReach(original, targets, progress);
        List<CompilerRun> again = RunsReading(runs, touched, wrappers, original, reach, tree.Patched, progress);
        Dictionary<string, string> environment = wrappers.Environment(logPath, tree.Patched, source);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        // Compiles first, all at once; runs that also link (gcc -o prog prog.c lib.o) after them, in the build's order.
        List<CompilerRun> compiles = again.Where(r => r.Arguments.Contains("-c")).ToList();
        try
        {
            Parallel.ForEach(compiles, parallel, r => RunAgain(r, wrappers, environment));
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is SutureException) is SutureException first)
        {
            throw first;
        }

        foreach (CompilerRun run in again.Where(r => !r.Arguments.Contains("-c")))
        {
            RunAgain(run, wrappers, environment);
        }

        progress($"built the patched tree incrementally: {again.Count} of the original's {runs.Count(r => CompileStep.Of(r).Any())} compiler run(s) read what the fix changes and ran again, {started.Elapsed.TotalSeconds:0.0} s");
        return CompilerLog.Read(logPath, tree.Patched, linksOf: original);
    }

    /// <summary>Files the build created (not in the source) with the bytes of a file the fix changes, as it was before the fix: copies the build made.</summary>
    private static IEnumerable<(string Copy, string Of)> BuildCopies(WorkTree tree, string source)
    {
        var bySize = tree.Fixed.Changed.GroupBy(f => new FileInfo(Path.Combine(tree.Original, f)).Length).ToDictionary(g => g.Key, g => g.ToList());
        foreach (string path in Directory.EnumerateFiles(tree.Original, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            string relative = Path.GetRelativePath(tree.Original, path);
            var info = new FileInfo(path);
            if (info.LinkTarget is not null || !bySize.TryGetValue(info.Length, out List<string>? sameSize) || File.Exists(Path.Combine(source, relative)))
            {
                continue;
            }

            string? of = sameSize.FirstOrDefault(f => WorkTree.SameBytes(Path.Combine(tree.Original, f), path));
            if (of is not null)
            {
                yield return (relative, of);
            }
        }
    }

    /// <summary>
    /// The runs (in the build's order) that compile a touched file or whose sources include one,
    /// among those that write an object a --target may run (<see cref="TargetReach"/>); the
    /// others are reported, not run.
    /// </summary>
    private static List<CompilerRun> RunsReading(List<CompilerRun> runs, HashSet<string> touched, CompilerWrappers wrappers, CompilerLog original, TargetReach reach, string patchedTree, Action<string> progress)
    {
        var reads = new bool[runs.Count];
        var relevant = new bool[runs.Count];
        Parallel.For(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            // A source or directory that no longer exists (configure's conftest.c, CMake's TryCompile-*) was a probe, not part of the build.
            List<CompileStep> steps = Directory.Exists(runs[i].Directory) ? CompileStep.Of(runs[i]).Where(s => File.Exists(s.Source)).ToList() : [];
            relevant[i] = steps.Any(s => reach.MayReach(Path.GetRelativePath(patchedTree, s.Object)));
            // Headers are looked for only where it matters: a run for other outputs is reported when it compiles a fixed file itself.
            reads[i] = steps.Any(s => touched.Contains(s.Source)) || (relevant[i] && steps.Any(s => Dependencies(s, wrappers) is not { } read || read.Overlaps(touched)));
        });
        if (!relevant.Where((_, i) => reads[i]).Any(r => r))
        {
            return runs.Where((_, i) => reads[i]).ToList(); // none for a --target: all of them, and the binding says why none fits
        }

        var elsewhere = new SortedSet<string>(StringComparer.Ordinal);
        foreach (CompileStep step in runs.Where((_, i) => reads[i] && !relevant[i]).SelectMany(CompileStep.Of))
        {
            string relative = Path.GetRelativePath(patchedTree, step.Object);
            elsewhere.UnionWith(original.OutputsLinking(relative).DefaultIfEmpty($"{relative} (libtool's non-PIC copy of an object linked elsewhere)"));
        }

        if (elsewhere.Count > 0)
        {
            progress($"note: the fix also changes sources of {string.Join(", ", elsewhere)}, which no --target names; {(runs.Where((_, i) => reads[i] && !relevant[i]).Count())} compiler run(s) for them are not run again and no patch is built for them (add --target path/to/FILE for one the running processes use)");
        }

        return runs.Where((_, i) => reads[i] && relevant[i]).ToList();
    }

    /// <summary>The files the step's compile reads (its source and every header), from <c>gcc -M</c> with the logged options.</summary>
    private static HashSet<string>? Dependencies(CompileStep step, CompilerWrappers wrappers)
    {
        string compiler = wrappers.RealCompiler(step.Run.Compiler) ?? step.Run.Compiler;
        string file = Path.Combine(Path.GetTempPath(), $"suture-deps-{Guid.NewGuid():N}.d");
        try
        {
            (int exit, string output) = ShellCommand.Run(compiler, step.DependencyArguments(file), step.Run.Directory);
            if (exit != 0 || !File.Exists(file))
            {
                return null; // unknown: the run counts as reading the fix's files
            }

            string text = File.ReadAllText(file).Replace("\\\n", " ", StringComparison.Ordinal);
            int colon = text.IndexOf(": ", StringComparison.Ordinal);
            return text[(colon + 1)..].Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Where(d => d != "\\")
                .Select(d => Path.GetFullPath(d.Replace("\\ ", " ", StringComparison.Ordinal), step.Run.Directory))
                .ToHashSet(StringComparer.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void RunAgain(CompilerRun run, CompilerWrappers wrappers, Dictionary<string, string> environment)
    {
        string wrapper = Path.Combine(wrappers.Directory, run.Compiler);
        (int exit, string output) = ShellCommand.Run(File.Exists(wrapper) ? wrapper : run.Compiler, run.Arguments, run.Directory, environment);
        if (exit != 0)
        {
            throw new SutureException($"compiling again in the patched tree failed (exit {exit}): {run.CommandLine} (in {run.Directory}): {ShellCommand.Tail(output)}", ExitCode.BuildFailed);
        }
    }

    /// <summary>The run as the same build makes it in the copy: the original tree's path replaced by the copy's everywhere.</summary>
    private static CompilerRun Rebase(CompilerRun run, string from, string to) =>
        new(Move(run.Directory, from, to), run.Compiler, run.Arguments.Select(a => Move(a, from, to)).ToList());

    private static string Move(string text, string from, string to) => text.Replace(from, to, StringComparison.Ordinal);
}
