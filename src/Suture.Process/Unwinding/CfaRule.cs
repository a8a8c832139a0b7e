namespace Suture.Process.Unwinding;

/// <summary>How the canonical frame address is computed: register + offset, or a DWARF expression.</summary>
internal readonly record struct CfaRule(int Register, long Offset, ReadOnlyMemory<byte> Expression, bool IsExpression)
{
    public static CfaRule Undefined => new(-1, 0, default, false);

    public bool IsDefined => IsExpression || Register >= 0;
}
