namespace Suture.Process.Unwinding;

/// <summary>One frame of an unwound stack.</summary>
/// <param name="Pc">
/// The frame's program counter: rip for the innermost frame and for a frame interrupted by a
/// signal, otherwise the return address (one past the call).
/// </param>
/// <param name="Cfa">Canonical frame address: the caller's rsp before its call (for a signal frame, the interrupted rsp).</param>
/// <param name="ObjectPath">The object (or registered table) whose code holds <paramref name="Pc"/>.</param>
/// <param name="IsSignalFrame">True for a signal trampoline frame (glibc's <c>__restore_rt</c>).</param>
public sealed record StackFrame(ulong Pc, ulong Cfa, string ObjectPath, bool IsSignalFrame)
{
    /// <summary>
    /// True when <see cref="Pc"/> is a return address: the call instruction is the byte before it,
    /// so symbolize <c>Pc - 1</c> to name the function.
    /// </summary>
    public bool IsReturnAddress { get; init; }

    /// <summary>The address to look up symbols and CFI with: <see cref="Pc"/> or <c>Pc - 1</c> for return addresses.</summary>
    public ulong LookupPc => IsReturnAddress ? Pc - 1 : Pc;

    public override string ToString() => $"pc 0x{Pc:x} cfa 0x{Cfa:x} {ObjectPath}{(IsSignalFrame ? " <signal frame>" : "")}";
}
