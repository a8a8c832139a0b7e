namespace Suture.Build.Assembly;

/// <summary>What <see cref="BuildEnvironmentCheck"/> found.</summary>
/// <param name="Differences">Each function or variable that differs; empty when the build matches.</param>
/// <param name="Compared">Functions compared (found in the target).</param>
/// <param name="Total">Functions of the rebuilt objects.</param>
internal sealed record BuildEnvironmentReport(IReadOnlyList<BuildDifference> Differences, int Compared, int Total)
{
    private const int MaxNamed = 10;

    /// <summary>The first differences, one per line (indented for a message), and how many more there are.</summary>
    public string Summary() =>
        string.Join("\n  ", Differences.Take(MaxNamed)) + (Differences.Count > MaxNamed ? $"\n  ... and {Differences.Count - MaxNamed} more" : "");

    /// <summary>The names of the first differing symbols, for the override recorded in the patch.</summary>
    public string FirstSymbols() => string.Join(", ", Differences.Take(MaxNamed).Select(d => d.Symbol));
}
