using Suture.Process.Unwinding;

namespace Suture.Patching.Engine.Safety;

/// <summary>
/// The code addresses a thread is executing or will return into: its instruction pointer first,
/// then, for each caller, the address of its call (return address minus one, except below a
/// signal frame, where it is the interrupted instruction itself). <see cref="Failure"/> is set when the stack could not be walked to
/// its end, which makes the thread count as unsafe.
/// </summary>
/// <param name="Frames">The unwound frames themselves (pc, CFA), when the walker has them: used to watch a frame's return.</param>
public sealed record ThreadFrames(IReadOnlyList<ulong> ProgramCounters, string? Failure, IReadOnlyList<StackFrame>? Frames = null);
