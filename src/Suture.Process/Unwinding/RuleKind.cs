namespace Suture.Process.Unwinding;

/// <summary>How a register of the caller is recovered (DWARF 6.4.1 register rules).</summary>
internal enum RuleKind : byte
{
    /// <summary>No rule given: callee-saved registers keep their value, others become unknown.</summary>
    Unspecified,
    Undefined,
    SameValue,
    Offset,
    ValOffset,
    Register,
    Expression,
    ValExpression,
}
