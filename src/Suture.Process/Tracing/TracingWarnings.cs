namespace Suture.Process.Tracing;

/// <summary>
/// Things that went wrong for a target without failing the operation (a signal that could not be
/// delivered again): the CLI prints each on stderr, so nothing vanishes silently.
/// </summary>
public static class TracingWarnings
{
    /// <summary>Receives each warning, one line naming the process, the thread and what happened.</summary>
    public static event Action<string>? Raised;

    internal static void Raise(string message) => Raised?.Invoke(message);
}
