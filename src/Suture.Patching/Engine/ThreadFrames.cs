namespace Suture.Patching.Engine;

/// <summary>
/// The code addresses a thread is executing or will return into: its instruction pointer first,
/// then, for each caller, the address of its call (return address minus one, except below a
/// signal frame, where it is the interrupted instruction itself). <see cref="Failure"/> is set when the stack could not be walked to
/// its end, which makes the thread count as unsafe.
/// </summary>
public sealed record ThreadFrames(IReadOnlyList<ulong> ProgramCounters, string? Failure);
