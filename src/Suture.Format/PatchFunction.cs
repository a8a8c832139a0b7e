namespace Suture.Format;

/// <summary>
/// One redirected function. Addresses are link-time virtual addresses of the target object; the
/// load bias of the running process is added when applying.
/// </summary>
/// <param name="Symbol">Symbol name in the target (mangled for C++).</param>
/// <param name="OldAddress">Link-time address of the old function.</param>
/// <param name="OldSize">Size in bytes of the old function.</param>
/// <param name="EntryOffset">Bytes kept before the jump (4 when the function starts with <c>endbr64</c>).</param>
/// <param name="ExpectedBytes">The original bytes at <c>OldAddress + EntryOffset</c> that the jump overwrites; verified before writing and restored on revert.</param>
/// <param name="NewOffset">Offset of the new function in the patch image.</param>
/// <param name="NewSize">Size in bytes of the new function.</param>
public sealed record PatchFunction(
    string Symbol,
    ulong OldAddress,
    ulong OldSize,
    uint EntryOffset,
    byte[] ExpectedBytes,
    ulong NewOffset,
    ulong NewSize);
