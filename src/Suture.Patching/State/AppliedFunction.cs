namespace Suture.Patching.State;

/// <summary>One redirected function as recorded in the target.</summary>
/// <param name="Symbol">Function name.</param>
/// <param name="EntryAddress">Run-time address where the jump was written (after any endbr64).</param>
/// <param name="NewAddress">Run-time address of the new code.</param>
/// <param name="SavedBytes">The original bytes the jump replaced; written back on revert.</param>
/// <param name="FunctionStart">Run-time address of the old function.</param>
/// <param name="FunctionSize">Size in bytes of the old function.</param>
public sealed record AppliedFunction(string Symbol, ulong EntryAddress, ulong NewAddress, byte[] SavedBytes, ulong FunctionStart, ulong FunctionSize);
