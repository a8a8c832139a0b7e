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

    /// <summary>
    /// Who signed each patch, by the patch file's SHA-256, as the caller verified before applying
    /// (the CLI, against the trust directory); recorded in the target. A patch not listed is
    /// recorded as unsigned.
    /// </summary>
    public IReadOnlyDictionary<string, State.PatchSigner> Signers { get; init; } = new Dictionary<string, State.PatchSigner>();
}
