namespace Suture.Build.Workspace;

/// <summary>
/// Recompiles objects of a built tree with <see cref="CompilerWrappers.ExtractionFlags"/> (every
/// function and variable in its own section, GOT access to extern data) into a side directory,
/// with the logged command that wrote each object. The tree builds keep the build's own code
/// generation so the rebuilt original compares with the deployed binary; only the objects the
/// fix changes are compiled a second time, in this form, to be diffed and copied into the patch.
/// </summary>
internal sealed class SectionBuild
{
    private readonly string _tree;
    private readonly string _source;
    private readonly string _output;
    private readonly CompilerWrappers _wrappers;
    private readonly CompilerLog _log;

    public SectionBuild(string tree, string source, CompilerLog log, CompilerWrappers wrappers, string output)
    {
        _tree = Path.GetFullPath(tree);
        _source = Path.GetFullPath(source);
        _wrappers = wrappers;
        _output = output;
        _log = log;
    }

    /// <summary>Compiles the object again with the extraction flags; returns the new object's path.</summary>
    public string Compile(string relativeObject)
    {
        if (_log.StepWriting(relativeObject) is not { } step)
        {
            throw new SutureException($"cannot compile {relativeObject} again with function sections: no compiler run the wrappers logged wrote it (was it compiled by another compiler, or shipped prebuilt?)", ExitCode.BuildFailed);
        }

        string output = Path.Combine(_output, relativeObject);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        string compiler = _wrappers.RealCompiler(step.Run.Compiler) ?? step.Run.Compiler;
        List<string> arguments = [.. _wrappers.ExtractionFlags(step.Run.Compiler), $"-ffile-prefix-map={_tree}={_source}", .. step.ArgumentsFor(output), CompilerWrappers.Debug];
        (int exit, string text) = ShellCommand.Run(compiler, arguments, step.Run.Directory);
        if (exit != 0 || !File.Exists(output))
        {
            throw new SutureException($"compiling {relativeObject} again with function sections failed (exit {exit}): {compiler} {string.Join(' ', arguments)}: {ShellCommand.Tail(text)}", ExitCode.BuildFailed);
        }

        return output;
    }
}
