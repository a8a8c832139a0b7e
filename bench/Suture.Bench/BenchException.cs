namespace Suture.Bench;

/// <summary>A benchmark step failed; the message says which and why.</summary>
internal sealed class BenchException(string message) : Exception(message);
