namespace Suture.Patching.Engine;

/// <summary>The safety check's finding for one thread.</summary>
/// <param name="BusyIn">Each changing code range the thread executes or will return into, with the frame number.</param>
public sealed record ThreadVerdict(int Tid, string Name, ThreadFrames Stack, IReadOnlyList<string> BusyIn)
{
    public bool IsSafe => BusyIn.Count == 0 && Stack.Failure is null;

    public override string ToString() => IsSafe
        ? $"thread {Tid} ({Name}) is free ({Stack.ProgramCounters.Count} frames)"
        : BusyIn.Count > 0
            ? $"thread {Tid} ({Name}) is in {string.Join(", ", BusyIn)}"
            : $"thread {Tid} ({Name}) cannot be checked: {Stack.Failure}";
}
