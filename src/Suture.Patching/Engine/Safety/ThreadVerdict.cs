namespace Suture.Patching.Engine.Safety;

/// <summary>The safety check's finding for one thread.</summary>
/// <param name="BusyIn">Each changing code range the thread executes or will return into, with the frame number.</param>
public sealed record ThreadVerdict(int Tid, string Name, ThreadFrames Stack, IReadOnlyList<string> BusyIn)
{
    public bool IsSafe => BusyIn.Count == 0 && Stack.Failure is null;

    /// <summary>"thread 123 (name)", or "coroutine 4" for a coroutine the application declared (tid 0).</summary>
    public string Subject => Tid == 0 ? Name : $"thread {Tid} ({Name})";

    public override string ToString() => IsSafe
        ? $"{Subject} is free ({Stack.ProgramCounters.Count} frames)"
        : BusyIn.Count > 0
            ? $"{Subject} is in {string.Join(", ", BusyIn)}"
            : $"{Subject} cannot be checked: {Stack.Failure}";
}
