namespace Suture.Process.Unwinding;

/// <summary>A step of the unwind cannot be completed (unknown register, unreadable memory). Internal; becomes <see cref="UnwindResult.Failure"/>.</summary>
internal sealed class UnwindException : Exception
{
    public UnwindException(string message)
        : base(message)
    {
    }
}
