namespace Suture.Build.Workspace;

/// <summary>One logged compiler invocation: where it ran, which wrapper, and its arguments as given.</summary>
internal sealed record CompilerRun(string Directory, string Compiler, IReadOnlyList<string> Arguments)
{
    public string CommandLine => Arguments.Count == 0 ? Compiler : Compiler + " " + string.Join(' ', Arguments);
}
