namespace Suture.Cli;

/// <summary>
/// Where a command's output goes and how it learns of SIGINT/SIGTERM: every handler writes through
/// the console it was created with, never through <see cref="System.Console"/>, so the whole command
/// line runs in process with a captured console (tests) as it does with the real one
/// (<see cref="SystemConsole"/>, from <c>Main</c>).
/// </summary>
internal interface IConsole
{
    /// <summary>Standard output, as text.</summary>
    TextWriter Out { get; }

    /// <summary>Standard error: messages, progress, warnings.</summary>
    TextWriter Error { get; }

    /// <summary>
    /// Signal handling for this run: <see cref="Interruption.Guard{T}"/> around work that may stop or
    /// change a process, <see cref="Interruption.Token"/> for the operation to back out.
    /// </summary>
    Interruption Interruption { get; }

    /// <summary>
    /// Standard output as bytes (JSON), after what <see cref="Out"/> wrote so far; the caller
    /// disposes it, which leaves standard output open.
    /// </summary>
    Stream OpenStandardOutput();
}
