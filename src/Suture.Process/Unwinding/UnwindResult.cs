namespace Suture.Process.Unwinding;

/// <summary>
/// The frames of one thread's stack, innermost first. <see cref="IsComplete"/> is true only when
/// the unwind reached the outermost frame (return address marked undefined, as glibc marks
/// <c>_start</c> and the thread start in <c>clone3</c>); otherwise <see cref="Failure"/> says why
/// it stopped and <see cref="Frames"/> holds only the frames found before.
/// </summary>
public sealed record UnwindResult(IReadOnlyList<StackFrame> Frames, bool IsComplete, string? Failure)
{
    public override string ToString() => IsComplete
        ? $"{Frames.Count} frames, complete"
        : $"{Frames.Count} frames, incomplete: {Failure}";
}
