namespace Suture.Agent;

/// <summary>What one check-in (or offline store read) did: for <c>agent check</c> and the log.</summary>
internal sealed record CycleSummary(string Source, int Directives, int Applied, int Reverted, int Busy, int Failed, int Exited, TimeSpan NextIn, IReadOnlyList<string> Lines);
