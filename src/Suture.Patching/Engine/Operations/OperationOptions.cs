namespace Suture.Patching.Engine.Operations;

/// <summary>How long apply/revert keep retrying while the target is busy in code that changes.</summary>
public sealed record OperationOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public CancellationToken Cancellation { get; init; }

    /// <summary>Apply even though the process switches user-level stacks the stack check cannot see.</summary>
    public bool AllowCoroutines { get; init; }

    /// <summary>Replace the running level with a lower (or equal) one.</summary>
    public bool AllowDowngrade { get; init; }
}
